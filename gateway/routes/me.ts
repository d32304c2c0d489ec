// /api/me: the signed-in person's own record, display name, consents and channel invitations. Every role may use it, and it
// only ever touches the caller's own record.
import { Type } from '@fastify/type-provider-typebox';
import {
  bearer,
  IdParams,
  InvitationAnswerSchema,
  MyChangesBody,
  MyInvitationSchema,
  PersonSchema,
} from '../../protocols/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { PeopleRouteDeps } from './people-schemas.ts';

export async function meRoutes(app: App, deps: PeopleRouteDeps): Promise<void> {
  const { people, guards } = deps;

  app.get(
    '/api/me',
    {
      onRequest: guards.authenticate,
      schema: { tags: ['me'], summary: 'My record', security: bearer, response: { 200: PersonSchema } },
    },
    async (request) => people.me(principalOf(request).personId),
  );

  app.patch(
    '/api/me',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Change my display name or consents (each consent records when it last changed)',
        security: bearer,
        body: MyChangesBody,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.updateMe(principalOf(request).personId, request.body),
  );

  // Channel invitations sent to my account: nothing is bound until I accept.
  app.get(
    '/api/me/invitations',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Channel invitations waiting for my answer',
        security: bearer,
        response: { 200: Type.Array(MyInvitationSchema) },
      },
    },
    async (request) => people.myInvitations(principalOf(request).personId),
  );

  for (const answer of ['accept', 'decline'] as const) {
    app.post(
      `/api/me/invitations/:id/${answer}`,
      {
        onRequest: guards.authenticate,
        schema: {
          tags: ['me'],
          summary:
            answer === 'accept'
              ? 'Accept a channel invitation (the channel is bound only if I have none yet)'
              : 'Decline a channel invitation',
          security: bearer,
          params: IdParams,
          response: { 200: InvitationAnswerSchema },
        },
      },
      async (request) =>
        people.answerInvitation(principalOf(request).personId, request.params.id, answer === 'accept'),
    );
  }
}
