// /api/events: offline events. Staff create them and check people in at the door; each listed channel's
// manager registers invitees for their own channel and reads their own invitees.
import { Type } from '@fastify/type-provider-typebox';
import type { OfflineEvents } from '../../commerce/index.ts';
import {
  bearer,
  CheckInBody,
  CheckInSchema,
  EventInviteBody,
  EventInviteResultSchema,
  EventInviteSentSchema,
  IdParams,
  InviteeSchema,
  NewOfflineEventBody,
  OfflineEventSchema,
  OfflineEventsQuery,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface OfflineEventRouteDeps {
  events: OfflineEvents;
  guards: Guards;
}

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
        body: NewOfflineEventBody,
        response: { 201: OfflineEventSchema },
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
        querystring: OfflineEventsQuery,
        response: { 200: Type.Array(OfflineEventSchema) },
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
        response: { 200: OfflineEventSchema },
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
          'Register someone for the event on behalf of one of its channels (strangers become prospects). Staff get the outcome (201); a channel manager gets 202 "sent" whoever holds the contact',
        security: bearer,
        params: IdParams,
        body: EventInviteBody,
        response: { 201: EventInviteResultSchema, 202: EventInviteSentSchema },
      },
    },
    async (request, reply) => {
      const { channelId, ...person } = request.body;
      const answer = await events.invite(principalOf(request), request.params.id, channelId, {
        ...person,
        locale: request.headers['accept-language'],
      });
      // Same status, shape and work for a manager whether the contact was new, another channel's or an
      // account's; the invitation message (sent after the answer) carries the member code.
      void reply.status('status' in answer ? 202 : 201);
      return answer;
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
        response: { 200: Type.Array(InviteeSchema) },
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
        body: CheckInBody,
        response: { '2xx': CheckInSchema },
      },
    },
    async (request, reply) => {
      const result = await events.checkIn(principalOf(request), request.params.id, request.body.memberCode);
      void reply.status(result.firstTime ? 201 : 200);
      return result;
    },
  );
}
