// POST /api/ingest/readings: batches from standalone edges, authorised by an edge token and idempotent
// by reading identity (device, boot, seq).
import { Type } from '@fastify/type-provider-typebox';
import type { EdgeTokens, Readings } from '../../commerce/index.ts';
import { READING_FIELDS, VitaliveError } from '../../protocols/index.ts';
import type { App } from '../http-app.ts';
import { bearer } from './people-schemas.ts';

const MetricName = Type.Union(
  [
    'WEIGHT_KG',
    'BODY_FAT_PCT',
    'MUSCLE_MASS_KG',
    'VISCERAL_FAT_LEVEL',
    'BMI',
    'SYSTOLIC_MMHG',
    'DIASTOLIC_MMHG',
    'PULSE_BPM',
    'GLUCOSE_MMOL_L',
  ].map((m) => Type.Literal(m)),
);
// Built from the shared definition the edge validates with: whatever the edge forwards passes here.
const F = READING_FIELDS;
const Text = (spec: { minLength: number; maxLength: number; pattern: string }) =>
  Type.Union([Type.String({ ...spec }), Type.Null()]);
const IngestReadingSchema = Type.Object(
  {
    deviceId: Type.String({ ...F.deviceId }),
    bootId: Type.Integer({ ...F.bootId }),
    seq: Type.Integer({ ...F.seq }),
    metric: MetricName,
    value: Type.Number(),
    measuredAtMs: Type.Integer({ ...F.measuredAtMs }),
    memberCode: Text(F.memberCode),
    eventId: Text(F.eventId),
    receivedAtMs: Type.Integer({ ...F.receivedAtMs }),
  },
  { additionalProperties: false },
);

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
        body: Type.Object(
          { readings: Type.Array(IngestReadingSchema, { maxItems: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ stored: Type.Integer(), duplicates: Type.Integer() }) },
      },
    },
    async (request) => readings.ingest(request.body.readings),
  );
}
