// POST /api/ingest/readings: batches from standalone edges, authorised by an edge token and idempotent
// by reading identity (device, boot, seq).
import type { EdgeTokens, Readings } from '../../commerce/index.ts';
import { bearer, IngestBody, IngestResultSchema, VitaliveError } from '../../protocols/index.ts';
import type { App } from '../http-app.ts';

export async function ingestRoutes(
  app: App,
  deps: { readings: Readings; edgeTokens: EdgeTokens },
): Promise<void> {
  const { readings, edgeTokens } = deps;
  app.post(
    '/api/ingest/readings',
    {
      // The token is checked before the body is read: an unauthenticated client cannot make the node
      // receive and parse up to 2 MiB of JSON.
      onRequest: async (request) => {
        const auth = request.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        if (!token || !(await edgeTokens.verify(token))) throw new VitaliveError('AUTH_INVALID_TOKEN');
      },
      // A full batch (5,000 readings of at most ~300 bytes of JSON each) fits; other routes keep 64 KiB.
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['readings'],
        summary: 'Readings from a standalone edge (edge token; idempotent by device, boot and seq)',
        security: bearer,
        body: IngestBody,
        response: { 200: IngestResultSchema },
      },
    },
    async (request) => readings.ingest(request.body.readings),
  );
}
