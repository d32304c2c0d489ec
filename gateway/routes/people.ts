// /api/people: the back office's view of people. Staff and admins see everyone, channel managers only
// their channels' people, members only themselves; roles and channel changes are for admins.
import { Type } from '@fastify/type-provider-typebox';
import {
  bearer,
  ChannelChangeBody,
  ChannelChangeSchema,
  GrantRoleBody,
  IdParams,
  PeoplePageSchema,
  PeopleQuery,
  PersonSchema,
  personChangesBody,
  ResetCodeSchema,
  RoleParams,
  VouchParams,
} from '../../protocols/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { PeopleRouteDeps } from './people-schemas.ts';

export async function peopleRoutes(app: App, deps: PeopleRouteDeps): Promise<void> {
  const { people, guards } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const admin = guards.requireRoles('admin');

  app.get(
    '/api/people',
    {
      onRequest: guards.requireRoles('admin', 'staff', 'channel_manager'),
      schema: {
        tags: ['people'],
        summary: 'Search people by name, phone, e-mail or member code (channel managers: own channels only)',
        security: bearer,
        querystring: PeopleQuery,
        response: { 200: PeoplePageSchema },
      },
    },
    async (request) => {
      const { limit = 20, offset = 0, ...filter } = request.query;
      const page = await people.searchPeople(principalOf(request), { ...filter, limit, offset });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/api/people/:id',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['people'],
        summary: 'One person (members: only themselves; channel managers: own channels only)',
        security: bearer,
        params: IdParams,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.getPerson(principalOf(request), request.params.id),
  );

  app.patch(
    '/api/people/:id',
    {
      onRequest: staff,
      schema: {
        tags: ['people'],
        summary: 'Edit name, tier or contacts (staff); referred_by and consents are not editable here',
        security: bearer,
        params: IdParams,
        body: personChangesBody(people.tiers),
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.updatePerson(principalOf(request), request.params.id, request.body),
  );

  app.put(
    '/api/people/:id/channel',
    {
      onRequest: admin,
      schema: {
        tags: ['people'],
        summary: "Change a person's channel (admin; audited with the reason)",
        security: bearer,
        params: IdParams,
        body: ChannelChangeBody,
        response: { 200: PersonSchema },
      },
    },
    async (request) =>
      people.changeChannel(
        principalOf(request),
        request.params.id,
        request.body.channelId,
        request.body.reason,
      ),
  );

  app.get(
    '/api/people/:id/channel-changes',
    {
      onRequest: staff,
      schema: {
        tags: ['people'],
        summary: "The audit trail of a person's channel changes",
        security: bearer,
        params: IdParams,
        response: { 200: Type.Array(ChannelChangeSchema) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      await people.getPerson(actor, request.params.id);
      return people.channelChanges(actor, request.params.id);
    },
  );

  app.post(
    '/api/people/:id/roles',
    {
      onRequest: admin,
      schema: {
        tags: ['people'],
        summary: 'Grant a role (admin)',
        security: bearer,
        params: IdParams,
        body: GrantRoleBody,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.grantRole(principalOf(request), request.params.id, request.body.role),
  );

  app.delete(
    '/api/people/:id/roles/:role',
    {
      onRequest: admin,
      schema: {
        tags: ['people'],
        summary: 'Remove a role (admin); member and the last admin stay',
        security: bearer,
        params: RoleParams,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.revokeRole(principalOf(request), request.params.id, request.params.role),
  );

  app.post(
    '/api/people/:id/reset-code',
    {
      onRequest: staff,
      schema: {
        tags: ['people'],
        summary: 'Issue a one-time password-reset code to hand to the person (staff)',
        security: bearer,
        params: IdParams,
        response: { 201: ResetCodeSchema },
      },
    },
    async (request, reply) => {
      const issued = await people.issueResetCode(principalOf(request), request.params.id);
      void reply.header('cache-control', 'no-store').status(201);
      return issued;
    },
  );

  app.post(
    '/api/people/:id/contacts/:field/vouch',
    {
      onRequest: staff,
      schema: {
        tags: ['people'],
        summary:
          'Vouch for a contact of the person in front of you (member code checked at the clinic): it counts as proven; audited',
        security: bearer,
        params: VouchParams,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.vouchForContact(principalOf(request), request.params.id, request.params.field),
  );
}
