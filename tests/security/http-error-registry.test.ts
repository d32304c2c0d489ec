// Every answer a client can provoke carries a code from protocols/errors.ts with that code's HTTP status:
// fastify's own refusals (a malformed percent-escape answered FST_ERR_BAD_URL, a path parameter over 100
// characters FST_ERR_MAX_PARAM_LENGTH with 414, a large body 413 with VALIDATION_FAILED whose registry
// status is 400), Node's parser errors and unknown routes. Attacked over real HTTP and raw TCP; then
// every client error fastify defines is thrown from a route and must come out coded.
import net from 'node:net';
import { errorCodes } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../gateway/http-app.ts';
import { ERRORS } from '../../protocols/errors.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { testLogger } from '../helpers/logger.ts';
import { seedAdmin, testTokens } from '../helpers/people.ts';

const METRICS_TOKEN = 'registry-metrics-token-0123456789';

function expectRegistered(status: number, body: unknown, what: string) {
  const code = (body as { code?: string } | undefined)?.code;
  expect(code && Object.hasOwn(ERRORS, code), `${what}: ${JSON.stringify(body)}`).toBe(true);
  expect(status, `${what}: status of ${code}`).toBe(ERRORS[code as keyof typeof ERRORS].status);
  return code;
}

/** Sends raw bytes and returns the status line's code and the JSON body of the answer. */
function rawRequest(port: number, bytes: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const json = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(json) });
      } catch {
        resolve({ status, body: json });
      }
    });
    socket.end(bytes);
  });
}

describe('every answer carries a registry code (running platform)', () => {
  let node: LiveNode;
  let token: string;
  let port: number;

  beforeAll(async () => {
    node = await startLiveNode({ METRICS_TOKEN });
    port = node.platform.ports.http.port;
    ({ token } = await seedAdmin(node.platform.store, testTokens()));
  });
  afterAll(async () => {
    await node?.close();
  });

  it('a malformed percent-escape in the path answers HTTP_URL_INVALID', async () => {
    const res = await call(node.url, 'GET', '/api/people/%zz', { token });
    expect(expectRegistered(res.status, res.body, '%zz')).toBe('HTTP_URL_INVALID');
    expect(res.status).toBe(400);
  });

  it('a path parameter over 100 characters answers HTTP_PATH_PARAM_TOO_LONG (414)', async () => {
    const res = await call(node.url, 'GET', `/api/people/${'a'.repeat(101)}`, { token });
    expect(expectRegistered(res.status, res.body, 'long param')).toBe('HTTP_PATH_PARAM_TOO_LONG');
    expect(res.status).toBe(414);
  });

  it('a body over the limit answers HTTP_BODY_TOO_LARGE (413)', async () => {
    const raw = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(70_000) });
    const res = await call(node.url, 'POST', '/api/auth/login', { raw });
    expect(expectRegistered(res.status, res.body, 'large body')).toBe('HTTP_BODY_TOO_LARGE');
    expect(res.status).toBe(413);
  });

  it('an unsupported media type answers HTTP_MEDIA_TYPE_UNSUPPORTED (415)', async () => {
    const res = await call(node.url, 'POST', '/api/auth/login', {
      raw: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(expectRegistered(res.status, res.body, 'media type')).toBe('HTTP_MEDIA_TYPE_UNSUPPORTED');
  });

  it('bad JSON, an empty JSON body and a poisoned prototype answer VALIDATION_FAILED', async () => {
    for (const raw of ['{"email":', '', '{"__proto__":{"admin":true},"email":"a@b.c","password":"x"}']) {
      const res = await call(node.url, 'POST', '/api/auth/login', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(expectRegistered(res.status, res.body, `json ${raw}`)).toBe('VALIDATION_FAILED');
    }
  });

  it('an unknown route and an unknown method answer NOT_FOUND', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/api/products'],
    ] as const) {
      const res = await call(node.url, method, path, { token });
      expect(expectRegistered(res.status, res.body, `${method} ${path}`)).toBe('NOT_FOUND');
    }
  });

  it('a request the HTTP parser cannot read answers HTTP_REQUEST_MALFORMED', async () => {
    const res = await rawRequest(port, 'GARBAGE\r\n\r\n');
    expect(expectRegistered(res.status, res.body, 'garbage')).toBe('HTTP_REQUEST_MALFORMED');
    const bad = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(expectRegistered(bad.status, bad.body, 'bad content-length')).toBe('HTTP_REQUEST_MALFORMED');
  });

  it('headers over the parser limit answer HTTP_HEADERS_TOO_LARGE (431)', async () => {
    const res = await rawRequest(
      port,
      `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(expectRegistered(res.status, res.body, 'big headers')).toBe('HTTP_HEADERS_TOO_LARGE');
  });

  it('counts the refusals by code on /metrics', async () => {
    const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await res.text()).toMatch(/vitalive_http_errors_total\{code="HTTP_URL_INVALID"\} [1-9]/);
  });
});

describe('every client error fastify defines maps to a registry code', () => {
  const clientErrors = Object.entries(errorCodes).filter(([, E]) => {
    const status = (new (E as new (...a: unknown[]) => { statusCode?: number })() as { statusCode?: number })
      .statusCode;
    return typeof status === 'number' && status >= 400 && status < 500;
  });

  it('finds fastify client errors to walk', () => {
    expect(clientErrors.map(([code]) => code)).toEqual(
      expect.arrayContaining([
        'FST_ERR_BAD_URL',
        'FST_ERR_MAX_PARAM_LENGTH',
        'FST_ERR_CTP_BODY_TOO_LARGE',
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        'FST_ERR_CTP_EMPTY_JSON_BODY',
      ]),
    );
  });

  it('throws each from a route and gets a registered code with its status', async () => {
    const app = await createHttpApp({ logger: testLogger });
    app.get('/throw/:code', async (request) => {
      const E = (errorCodes as Record<string, new () => Error>)[(request.params as { code: string }).code]!;
      throw new E();
    });
    await app.ready();
    try {
      for (const [code] of clientErrors) {
        const res = await app.inject({ url: `/throw/${code}` });
        expectRegistered(res.statusCode, res.json(), code);
      }
    } finally {
      await app.close();
    }
  });
});
