// /api/channels: channels and their invitations. Admins and staff manage every channel; a channel
// manager reads their own channels and invites people into them.
import { Type } from '@fastify/type-provider-typebox';
import {
  bearer,
  ChannelChangesBody,
  ChannelInvitationsPageSchema,
  ChannelInvitationsQuery,
  ChannelInviteBody,
  ChannelInviteResultSchema,
  ChannelListQuery,
  ChannelSchema,
  IdParams,
  NewChannelBody,
} from '../../protocols/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { PeopleRouteDeps } from './people-schemas.ts';

export async function channelRoutes(app: App, deps: PeopleRouteDeps): Promise<void> {
  const { people, guards } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const readers = guards.requireRoles('admin', 'staff', 'channel_manager');

  app.post(
    '/api/channels',
    {
      onRequest: staff,
      schema: {
        tags: ['channels'],
        summary: 'Create a channel (its manager must hold channel_manager)',
        security: bearer,
        body: NewChannelBody,
        response: { 201: ChannelSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return people.createChannel(principalOf(request), request.body);
    },
  );

  app.get(
    '/api/channels',
    {
      onRequest: readers,
      schema: {
        tags: ['channels'],
        summary: 'Channels (channel managers: their own)',
        security: bearer,
        querystring: ChannelListQuery,
        response: { 200: Type.Array(ChannelSchema) },
      },
    },
    async (request) =>
      people.listChannels(principalOf(request), { includeArchived: request.query.includeArchived ?? false }),
  );

  app.get(
    '/api/channels/:id',
    {
      onRequest: readers,
      schema: {
        tags: ['channels'],
        summary: 'One channel',
        security: bearer,
        params: IdParams,
        response: { 200: ChannelSchema },
      },
    },
    async (request) => people.getChannel(principalOf(request), request.params.id),
  );

  app.patch(
    '/api/channels/:id',
    {
      onRequest: staff,
      schema: {
        tags: ['channels'],
        summary: 'Edit a channel; rotateInviteCode stops old links from attributing new people',
        security: bearer,
        params: IdParams,
        body: ChannelChangesBody,
        response: { 200: ChannelSchema },
      },
    },
    async (request) => people.updateChannel(principalOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/channels/:id',
    {
      onRequest: staff,
      schema: {
        tags: ['channels'],
        summary: 'Archive a channel (kept for attribution history; its invite code stops working)',
        security: bearer,
        params: IdParams,
        response: { 200: ChannelSchema },
      },
    },
    async (request) => people.updateChannel(principalOf(request), request.params.id, { archived: true }),
  );

  app.post(
    '/api/channels/:id/invitations',
    {
      onRequest: readers,
      schema: {
        tags: ['channels'],
        summary:
          'Invite someone by phone or e-mail (a new prospect, a known prospect without a channel joins, an account is asked); the answer is the same whoever holds the contact',
        security: bearer,
        params: IdParams,
        body: ChannelInviteBody,
        response: { 202: ChannelInviteResultSchema },
      },
    },
    async (request, reply) => {
      // Same status, shape and timing whether the contact was new, a prospect, or an account's: who
      // holds a contact is not the inviter's to learn (staff read the outcome in the list).
      const { invitationId } = await people.invite(principalOf(request), request.params.id, {
        ...request.body,
        locale: request.headers['accept-language'],
      });
      void reply.status(202);
      return { invitationId, status: 'sent' as const };
    },
  );

  app.get(
    '/api/channels/:id/invitations',
    {
      onRequest: readers,
      schema: {
        tags: ['channels'],
        summary: "A channel's invitations, newest first",
        security: bearer,
        params: IdParams,
        querystring: ChannelInvitationsQuery,
        response: { 200: ChannelInvitationsPageSchema },
      },
    },
    async (request) => {
      const { limit = 20, offset = 0 } = request.query;
      const page = await people.listInvitations(principalOf(request), request.params.id, { limit, offset });
      return { ...page, limit, offset };
    },
  );
}
