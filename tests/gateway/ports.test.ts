// Port resolution: a taken default moves on with movedFrom set; a taken explicit port is PORT_IN_USE;
// port 0 yields a port free for both TCP and UDP.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePort } from '../../gateway/ports.ts';
import { tcpPortFree, udpPortFree } from '../../loadtest/clients/ports.ts';

describe('resolvePort', () => {
  const holder = net.createServer();
  let held = 0;
  beforeAll(async () => {
    held = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as net.AddressInfo).port)),
    );
  });
  afterAll(() => holder.close());

  it('keeps a free default port as is', async () => {
    const probe = await resolvePort({ port: 0, explicit: true }, 'probe', { host: '127.0.0.1' });
    const r = await resolvePort({ port: probe.port, explicit: false }, 'x', { host: '127.0.0.1' });
    expect(r).toEqual({ port: probe.port, requested: probe.port });
  });

  it('moves a taken default port to the next free one', async () => {
    const r = await resolvePort({ port: held, explicit: false }, 'MQTT', { host: '127.0.0.1' });
    expect(r.port).toBeGreaterThan(held);
    expect(r.movedFrom).toBe(held);
    expect(await tcpPortFree(r.port)).toBe(true);
  });

  it('skips ports already handed out in this process', async () => {
    const first = await resolvePort({ port: 0, explicit: true }, 'a', { host: '127.0.0.1' });
    const r = await resolvePort({ port: first.port, explicit: false }, 'b', {
      host: '127.0.0.1',
      avoid: new Set([first.port]),
    });
    expect(r.port).not.toBe(first.port);
  });

  it('fails with PORT_IN_USE for a taken explicit port', async () => {
    await expect(
      resolvePort({ port: held, explicit: true }, 'MQTT', { host: '127.0.0.1' }),
    ).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      params: { port: held, what: 'MQTT' },
    });
  });

  it('port 0 finds a port free for TCP and UDP', async () => {
    const r = await resolvePort({ port: 0, explicit: true }, 'media', { host: '127.0.0.1', udp: true });
    expect(await tcpPortFree(r.port)).toBe(true);
    expect(await udpPortFree(r.port)).toBe(true);
  });
});
