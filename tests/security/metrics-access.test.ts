// /metrics and the details of /healthz are for the operator only. Before, anyone who could reach the
// public port read /metrics (process memory, rooms, bitrates) and /healthz's ports, queue depths and error
// texts. Now the public port serves /metrics only to the METRICS_TOKEN bearer (404 when no token is set),
// /healthz gives others the bare status, and the loopback monitoring port (METRICS_PORT) serves both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';

const TOKEN = 'monitoring-token-0123456789abcdef';

describe('metrics and health details need the monitoring token', () => {
  let node: LiveNode;
  let open: LiveNode;

  beforeAll(async () => {
    node = await startLiveNode({ METRICS_TOKEN: TOKEN, METRICS_PORT: '0' });
    open = await startLiveNode({ METRICS_TOKEN: '' }); // '' is unset: no token configured
  });
  afterAll(async () => {
    await node?.close();
    await open?.close();
  });

  it('refuses /metrics on the public port without the token, or with a wrong one', async () => {
    const none = await call(node.url, 'GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('AUTH_REQUIRED');
    for (const authorization of [`Bearer ${TOKEN}x`, 'Bearer nope', `Basic ${TOKEN}`, TOKEN]) {
      const wrong = await call(node.url, 'GET', '/metrics', { headers: { authorization } });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.body.code).toBe('AUTH_INVALID_TOKEN');
    }
  });

  it('serves /metrics to the token, with the refusals counted by code', async () => {
    const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/vitalive_process_resident_memory_bytes/);
    expect(text).toMatch(/vitalive_http_errors_total\{code="AUTH_REQUIRED"\} [1-9]/);
    expect(text).toMatch(/vitalive_http_errors_total\{code="AUTH_INVALID_TOKEN"\} [4-9]/);
  });

  it('does not serve /metrics on the public port at all when no token is configured', async () => {
    const res = await call(open.url, 'GET', '/metrics');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    const guess = await call(open.url, 'GET', '/metrics', { headers: { authorization: 'Bearer ' } });
    expect(guess.status).toBe(404);
  });

  it('answers /healthz with the bare status to others and the details to the token', async () => {
    for (const n of [node, open]) {
      const bare = await call(n.url, 'GET', '/healthz');
      expect(bare.status).toBe(200);
      expect(bare.body).toEqual({ status: 'ok' });
      const wrong = await call(n.url, 'GET', '/healthz', { headers: { authorization: 'Bearer nope' } });
      expect(wrong.body).toEqual({ status: 'ok' });
    }
    const full = await call(node.url, 'GET', '/healthz', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(full.status).toBe(200);
    expect(Object.keys(full.body.subsystems as object)).toContain('broker');
  });

  it('serves /metrics and full /healthz on the loopback monitoring port without a token', async () => {
    const port = node.platform.ports.monitoring?.port;
    expect(port).toBeGreaterThan(0);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/vitalive_process_resident_memory_bytes/);
    const health = await call(`http://127.0.0.1:${port}`, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(Object.keys(health.body.subsystems as object)).toContain('store');
    const other = await call(`http://127.0.0.1:${port}`, 'GET', '/api/people');
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    expect(open.platform.ports.monitoring).toBeUndefined();
  });
});
