// Readings and device routes. /api/ingest/readings takes batches from standalone edges (edge token,
// idempotent by reading identity). Readings: a member reads their own; staff/admin read a consenting
// person's raw readings (audit-logged), list unlinked readings and assign them; channel managers and
// hosts never see raw readings. Devices (staff/admin): register, list with presence, rotate, disable,
// command. Edge tokens: admin only.
import { Type } from '@fastify/type-provider-typebox';
import type { EdgeTokens, Readings } from '../../commerce/index.ts';
import type { Edge } from '../../edge/index.ts';
import {
  AssignedSchema,
  AssignReadingsBody,
  bearer,
  DeviceCommandBody,
  DeviceDisabledBody,
  DeviceSchema,
  DeviceSecretSchema,
  EdgeTokenSchema,
  IdParams,
  IngestBody,
  IngestResultSchema,
  NewDeviceBody,
  NewEdgeTokenBody,
  ReadingSchema,
  ReadingsQuery,
  VitaliveError,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

/** What the device routes need from the embedded edge. */
type DeviceAdminMethod =
  | 'registerDevice'
  | 'listDevices'
  | 'getDevice'
  | 'rotateSecret'
  | 'setDisabled'
  | 'sendCommand';

/** The edge's device admin, in this process or relayed to the broker child (then every answer is async). */
export type DeviceAdminPort = {
  [K in DeviceAdminMethod]: (
    ...args: Parameters<Edge[K]>
  ) => ReturnType<Edge[K]> | Promise<Awaited<ReturnType<Edge[K]>>>;
};

export interface ReadingRouteDeps {
  guards: Guards;
  readings: Readings;
  edgeTokens: EdgeTokens;
  /** The embedded edge; undefined on nodes without one (device routes then answer 503). */
  devices: DeviceAdminPort | undefined;
}

export async function readingRoutes(app: App, deps: ReadingRouteDeps): Promise<void> {
  const { guards, readings, edgeTokens } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const admin = guards.requireRoles('admin');
  const anyone = guards.authenticate;
  const devices = (): DeviceAdminPort => {
    if (!deps.devices) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Edge broker' });
    return deps.devices;
  };

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

  app.post(
    '/api/edge-tokens',
    {
      onRequest: admin,
      schema: {
        tags: ['devices'],
        summary: 'Issue an edge token for a standalone edge (shown once)',
        security: bearer,
        body: NewEdgeTokenBody,
        response: { 201: EdgeTokenSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return edgeTokens.issue(request.body.name, principalOf(request).personId);
    },
  );

  app.delete(
    '/api/edge-tokens/:id',
    {
      onRequest: admin,
      schema: { tags: ['devices'], summary: 'Revoke an edge token', security: bearer, params: IdParams },
    },
    async (request, reply) => {
      if (!(await edgeTokens.revoke(request.params.id)))
        throw new VitaliveError('NOT_FOUND', { what: 'Edge token' });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/devices',
    {
      onRequest: staff,
      schema: {
        tags: ['devices'],
        summary: 'Register a device; the secret is shown once',
        security: bearer,
        body: NewDeviceBody,
        response: { 201: DeviceSecretSchema },
      },
    },
    async (request, reply) => {
      const { id, kind, location } = request.body;
      const secret = await devices().registerDevice(id, kind, location);
      if (!secret) throw new VitaliveError('CONFLICT', { reason: `device ${id} exists` });
      void reply.status(201);
      return { id, secret };
    },
  );

  app.get(
    '/api/devices',
    {
      onRequest: staff,
      schema: {
        tags: ['devices'],
        summary: 'Devices with presence',
        security: bearer,
        response: { 200: Type.Array(DeviceSchema) },
      },
    },
    async () => await devices().listDevices(),
  );

  app.post(
    '/api/devices/:id/rotate-secret',
    {
      onRequest: staff,
      schema: {
        tags: ['devices'],
        summary: 'New secret (shown once); the live connection is closed',
        security: bearer,
        params: IdParams,
        response: { 200: DeviceSecretSchema },
      },
    },
    async (request) => {
      const secret = await devices().rotateSecret(request.params.id);
      if (!secret) throw new VitaliveError('NOT_FOUND', { what: 'Device' });
      return { id: request.params.id, secret };
    },
  );

  app.post(
    '/api/devices/:id/disabled',
    {
      onRequest: staff,
      schema: {
        tags: ['devices'],
        summary: 'Disable (kicks the live connection) or re-enable a device',
        security: bearer,
        params: IdParams,
        body: DeviceDisabledBody,
      },
    },
    async (request, reply) => {
      if (!(await devices().setDisabled(request.params.id, request.body.disabled)))
        throw new VitaliveError('NOT_FOUND', { what: 'Device' });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/devices/:id/commands',
    {
      onRequest: staff,
      schema: {
        tags: ['devices'],
        summary: "Send a command to the device's commands topic",
        security: bearer,
        params: IdParams,
        body: DeviceCommandBody,
      },
    },
    async (request, reply) => {
      if (!(await devices().getDevice(request.params.id)))
        throw new VitaliveError('NOT_FOUND', { what: 'Device' });
      await devices().sendCommand(request.params.id, request.body.command);
      return reply.status(202).send();
    },
  );
}
