// Device admin (staff/admin): register, list with presence, rotate the secret, disable, send a command.
// The embedded edge answers; on a node without one every device route answers 503.
import { Type } from '@fastify/type-provider-typebox';
import type { Edge } from '../../edge/index.ts';
import {
  bearer,
  DeviceCommandBody,
  DeviceDisabledBody,
  DeviceSchema,
  DeviceSecretSchema,
  IdParams,
  NewDeviceBody,
  VitaliveError,
} from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
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

export async function deviceRoutes(
  app: App,
  deps: { guards: Guards; devices: DeviceAdminPort | undefined },
): Promise<void> {
  const staff = deps.guards.requireRoles('admin', 'staff');
  const devices = (): DeviceAdminPort => {
    if (!deps.devices) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Edge broker' });
    return deps.devices;
  };

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
