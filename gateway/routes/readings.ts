// Readings and device routes, registered together. Readings: a member reads their own; staff/admin
// read a consenting person's raw readings (audit-logged), list unlinked readings and assign them;
// channel managers and hosts never see raw readings. The edge's ingest (ingest.ts), edge tokens
// (edge-tokens.ts) and device admin (devices.ts) have their own files.
import { Type } from '@fastify/type-provider-typebox';
import type { EdgeTokens, Readings } from '../../commerce/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { type DeviceAdminPort, deviceRoutes } from './devices.ts';
import { edgeTokenRoutes } from './edge-tokens.ts';
import { ingestRoutes } from './ingest.ts';
import { bearer, Id, IdParams } from './people-schemas.ts';

export type { DeviceAdminPort };

const ReadingSchema = Type.Object({
  id: Type.Integer(),
  deviceId: Type.String(),
  bootId: Type.Integer(),
  seq: Type.Integer(),
  metric: Type.String(),
  value: Type.Number(),
  measuredAtMs: Type.Integer(),
  memberCode: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  personId: Type.Union([Type.String(), Type.Null()]),
  receivedAtMs: Type.Integer(),
});
const Limit = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);

export interface ReadingRouteDeps {
  guards: Guards;
  readings: Readings;
  edgeTokens: EdgeTokens;
  /** The embedded edge; undefined on nodes without one (device routes then answer 503). */
  devices: DeviceAdminPort | undefined;
}

export async function readingRoutes(app: App, deps: ReadingRouteDeps): Promise<void> {
  const { guards, readings } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const anyone = guards.authenticate;

  await ingestRoutes(app, deps);

  app.get(
    '/api/me/readings',
    {
      onRequest: anyone,
      schema: {
        tags: ['readings'],
        summary: 'My own readings, newest first',
        security: bearer,
        querystring: Limit,
        response: { 200: Type.Array(ReadingSchema) },
      },
    },
    async (request) => readings.ofPerson(principalOf(request).personId, request.query.limit),
  );

  app.get(
    '/api/people/:id/readings',
    {
      onRequest: staff,
      schema: {
        tags: ['readings'],
        summary: "A person's raw readings (staff/admin; only with health-data consent; audit-logged)",
        security: bearer,
        params: IdParams,
        querystring: Limit,
        response: { 200: Type.Array(ReadingSchema) },
      },
    },
    async (request) =>
      readings.ofPersonForStaff(principalOf(request).personId, request.params.id, request.query.limit),
  );

  app.get(
    '/api/readings/unlinked',
    {
      onRequest: staff,
      schema: {
        tags: ['readings'],
        summary: 'Readings not linked to a person yet (unknown or missing member code)',
        security: bearer,
        querystring: Limit,
        response: { 200: Type.Array(ReadingSchema) },
      },
    },
    async (request) => readings.unlinked(request.query.limit),
  );

  app.post(
    '/api/readings/assign',
    {
      onRequest: staff,
      schema: {
        tags: ['readings'],
        summary: 'Assign unlinked readings to a person (audited)',
        security: bearer,
        body: Type.Object(
          {
            readingIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }),
            personId: Id,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ assigned: Type.Integer() }) },
      },
    },
    async (request) => ({
      assigned: await readings.assign(
        principalOf(request).personId,
        request.body.readingIds,
        request.body.personId,
      ),
    }),
  );

  await edgeTokenRoutes(app, deps);
  await deviceRoutes(app, deps);
}
