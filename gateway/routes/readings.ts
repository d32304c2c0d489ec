// Readings and device routes, registered together. Readings: a member reads their own; staff/admin
// read a consenting person's raw readings (audit-logged), list unlinked readings and assign them;
// channel managers and hosts never see raw readings. The edge's ingest (ingest.ts), edge tokens
// (edge-tokens.ts) and device admin (devices.ts) have their own files.
import { Type } from '@fastify/type-provider-typebox';
import type { EdgeTokens, Readings } from '../../commerce/index.ts';
import {
  AssignedSchema,
  AssignReadingsBody,
  bearer,
  IdParams,
  ReadingSchema,
  ReadingsQuery,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { type DeviceAdminPort, deviceRoutes } from './devices.ts';
import { edgeTokenRoutes } from './edge-tokens.ts';
import { ingestRoutes } from './ingest.ts';

export type { DeviceAdminPort };

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
        querystring: ReadingsQuery,
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
        querystring: ReadingsQuery,
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
        querystring: ReadingsQuery,
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
        body: AssignReadingsBody,
        response: { 200: AssignedSchema },
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
