// POST /api/consultations/:id/video: a pass to the consultation's video call for its member or its
// expert, while the call is open. The pass is scoped to the booking, the person, their side and the
// booking's time; the /consult namespace checks the booking again when it is used.
import type { Commerce } from '../../commerce/index.ts';
import { bearer, IdParams, VideoPassSchema } from '../../protocols/index.ts';
import { type Guards, principalOf, type TokenService } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface ConsultationVideoRouteDeps {
  commerce: Pick<Commerce, 'consultationVideo'>;
  guards: Guards;
  tokens: TokenService;
}

export async function consultationVideoRoutes(app: App, deps: ConsultationVideoRouteDeps): Promise<void> {
  app.post(
    '/api/consultations/:id/video',
    {
      onRequest: deps.guards.authenticate,
      schema: {
        tags: ['consultations'],
        summary: 'A pass to the consultation’s video call (its member or expert, while the call is open)',
        security: bearer,
        params: IdParams,
        response: { 200: VideoPassSchema },
      },
    },
    async (request) => {
      const seat = await deps.commerce.consultationVideo.seat(principalOf(request), request.params.id);
      const { pass } = deps.tokens.consultationPasses.mint(seat);
      return {
        consultationId: seat.consultationId,
        side: seat.side,
        pass,
        opensAtMs: seat.opensAtMs,
        closesAtMs: seat.closesAtMs,
        memberId: seat.memberId,
      };
    },
  );
}
