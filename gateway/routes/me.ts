// /api/me: the signed-in person's own record, display name and consents. Every role may use it, and it
// only ever touches the caller's own record.
import { Type } from '@fastify/type-provider-typebox';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { bearer, DisplayName, type PeopleRouteDeps, PersonSchema } from './people-schemas.ts';

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
        body: Type.Object(
          {
            displayName: Type.Optional(DisplayName),
            consents: Type.Optional(
              Type.Object(
                { marketing: Type.Optional(Type.Boolean()), healthData: Type.Optional(Type.Boolean()) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.updateMe(principalOf(request).personId, request.body),
  );
}
