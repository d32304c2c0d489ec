// The real entry point: spawned with free ports, /healthz turns 200 with every subsystem ok, SIGTERM
// exits 0 within 10 s, and no port stays bound. A default MQTT port that is taken moves to the next
// free one; an explicit port that is taken stops start-up with PORT_IN_USE.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, tcpPortFree, udpPortFree } from '../../loadtest/clients/ports.ts';
import { pollHealth, startMain } from '../helpers/platform-process.ts';

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('gateway/main.ts process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-main-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /healthz with every subsystem ok, then exits 0 on SIGTERM leaving no port bound', async () => {
    const http = await freePort();
    const mqtt = await freePort();
    const media = await freePort(true);
    const { child, output } = startMain({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(http),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(mqtt),
      MEDIA_WORKERS: '1',
      MEDIA_BASE_PORT: String(media),
      DATA_DIR: dataDir,
    });
    children.push(child);

    const { body } = await pollHealth(http, 60_000);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.subsystems).sort()).toEqual([
      'broker',
      'events',
      'http',
      'images',
      'media',
      'recordings',
      'sockets',
      'store',
    ]);
    for (const [name, s] of Object.entries(body.subsystems)) expect(s.state, name).toBe('ok');
    expect(body.subsystems.http!.port).toBe(http);
    expect(body.subsystems.broker!.port).toBe(mqtt);
    expect(body.subsystems.media!.workers![0]!.port).toBe(media);

    // A connected socket.io client must not hold the shutdown up.
    const socket = ioClient(`http://127.0.0.1:${http}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const started = Date.now();
    child.kill('SIGTERM');
    const code = await exitOf(child);
    expect(code, output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await disconnected;
    expect(await tcpPortFree(http)).toBe(true);
    expect(await tcpPortFree(mqtt)).toBe(true);
    expect(await tcpPortFree(media)).toBe(true);
    expect(await udpPortFree(media)).toBe(true);
  });

  it('starts while Mosquitto holds the default MQTT port 1883, moving to the next free port', async () => {
    // scripts/setup.sh starts Mosquitto on 1883, as on the development machines.
    expect(await tcpPortFree(1883)).toBe(false);
    const http = await freePort();
    const { child, output } = startMain({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(http),
      MQTT_HOST: '127.0.0.1',
      MEDIA_WORKERS: '0',
      DATA_DIR: dataDir,
    });
    children.push(child);
    const { body } = await pollHealth(http, 60_000);
    expect(body.subsystems.broker!.movedFrom).toBe(1883);
    expect(body.subsystems.broker!.port).toBeGreaterThan(1883);
    expect(body.subsystems.media!.state).toBe('disabled');
    expect(output()).toContain('default MQTT port is taken');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('exits 1 with PORT_IN_USE when an explicitly configured port is taken', async () => {
    const holder = net.createServer();
    const held = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as net.AddressInfo).port)),
    );
    const { child, output } = startMain({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(await freePort()),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(held),
      MEDIA_WORKERS: '0',
      DATA_DIR: dataDir,
    });
    children.push(child);
    expect(await exitOf(child)).toBe(1);
    expect(output()).toContain('PORT_IN_USE');
    holder.close();
  });
});
