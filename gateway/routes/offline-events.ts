// /api/events: offline events. Staff create them and check people in at the door; each listed channel's
// manager registers invitees for their own channel and reads their own invitees.
import { Type } from '@fastify/type-provider-typebox';
import type { OfflineEvents } from '../../commerce/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { bearer, DisplayName, EmailInput, Id, IdParams, PageQuery, PhoneInput } from './people-schemas.ts';

export interface OfflineEventRouteDeps {
  events: OfflineEvents;
  guards: Guards;
}

const EventSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  venue: Type.String(),
  startsAtMs: Type.Integer(),
  channelIds: Type.Array(Type.String()),
  createdAtMs: Type.Integer(),
});

const Outcome = Type.Union([
  Type.Literal('created'),
  Type.Literal('joined'),
  Type.Literal('already_in_channel'),
  Type.Literal('other_channel'),
  Type.Literal('invited'),
  Type.Literal('accepted'),
  Type.Literal('declined'),
]);

export async function offlineEventRoutes(app: App, deps: OfflineEventRouteDeps): Promise<void> {
  const { events, guards } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const readers = guards.requireRoles('admin', 'staff', 'channel_manager');

  app.post(
    '/api/events',
    {
      onRequest: staff,
      schema: {
        tags: ['events'],
        summary: 'Create an offline event (date, venue, the channels that bring people)',
        security: bearer,
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
            venue: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
            startsAtMs: Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 }),
            channelIds: Type.Array(Id, { maxItems: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: EventSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return events.create(principalOf(request), request.body);
    },
  );

  app.get(
    '/api/events',
    {
      onRequest: readers,
      schema: {
        tags: ['events'],
        summary: 'Offline events, latest first (channel managers: their channels’ events)',
        security: bearer,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Type.Array(EventSchema) },
      },
    },
    async (request) => {
      const { limit = 20, offset = 0 } = request.query;
      return events.list(principalOf(request), { limit, offset });
    },
  );

  app.get(
    '/api/events/:id',
    {
      onRequest: readers,
      schema: {
        tags: ['events'],
        summary: 'One offline event',
        security: bearer,
        params: IdParams,
        response: { 200: EventSchema },
      },
    },
    async (request) => events.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/events/:id/invitees',
    {
      onRequest: readers,
      schema: {
        tags: ['events'],
        summary:
          'Register someone for the event on behalf of one of its channels (strangers become prospects)',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          {
            channelId: Id,
            displayName: DisplayName,
            email: Type.Optional(EmailInput),
            phone: Type.Optional(PhoneInput),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            outcome: Outcome,
            registered: Type.Boolean(),
            personId: Type.String(),
            memberCode: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const { channelId, ...person } = request.body;
      void reply.status(201);
      return events.invite(principalOf(request), request.params.id, channelId, person);
    },
  );

  app.get(
    '/api/events/:id/invitees',
    {
      onRequest: readers,
      schema: {
        tags: ['events'],
        summary: 'Invitees and whether they attended (channel managers: their own channels’)',
        security: bearer,
        params: IdParams,
        response: {
          200: Type.Array(
            Type.Object({
              personId: Type.String(),
              displayName: Type.String(),
              memberCode: Type.String(),
              channelId: Type.String(),
              invitedAtMs: Type.Integer(),
              attended: Type.Boolean(),
            }),
          ),
        },
      },
    },
    async (request) => events.invitees(principalOf(request), request.params.id),
  );

  app.post(
    '/api/events/:id/check-ins',
    {
      onRequest: staff,
      schema: {
        tags: ['events'],
        summary: 'Check someone in by member code (typed or scanned); repeating it is harmless',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { memberCode: Type.String({ minLength: 1, maxLength: 32 }) },
          { additionalProperties: false },
        ),
        response: {
          '2xx': Type.Object({
            eventId: Type.String(),
            personId: Type.String(),
            displayName: Type.String(),
            firstTime: Type.Boolean(),
            via: Type.Union([Type.Literal('check_in'), Type.Literal('reading')]),
            atMs: Type.Integer(),
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await events.checkIn(principalOf(request), request.params.id, request.body.memberCode);
      void reply.status(result.firstTime ? 201 : 200);
      return result;
    },
  );
}
