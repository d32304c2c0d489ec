// Following a host from one of their sessions: GET says whether I follow the session's host, PUT follows,
// DELETE stops. Signed-in people only; the host's person id never needs to leave the server.
import type { Commerce } from '../../commerce/index.ts';
import { bearer, FollowReply, IdParams } from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface FollowRouteDeps {
  messaging: Pick<Commerce['messaging'], 'hostFollows'>;
  guards: Guards;
}

export async function followRoutes(app: App, deps: FollowRouteDeps): Promise<void> {
  const { hostFollows } = deps.messaging;
  const { guards } = deps;
  const schema = (summary: string) => ({
    tags: ['live'],
    summary,
    security: bearer,
    params: IdParams,
    response: { 200: FollowReply },
  });

  app.get(
    '/api/live-sessions/:id/follow',
    { onRequest: guards.authenticate, schema: schema("Whether I follow this session's host") },
    async (request) => hostFollows.state(principalOf(request).personId, request.params.id),
  );

  app.put(
    '/api/live-sessions/:id/follow',
    {
      onRequest: guards.authenticate,
      schema: schema("Follow this session's host: hear of each of their lives"),
    },
    async (request) => hostFollows.follow(principalOf(request).personId, request.params.id),
  );

  app.delete(
    '/api/live-sessions/:id/follow',
    { onRequest: guards.authenticate, schema: schema("Stop following this session's host") },
    async (request) => hostFollows.unfollow(principalOf(request).personId, request.params.id),
  );
}
