// POST /api/ingest/readings checks the edge token before it reads the body: a client without a valid
// token that announces a large body (under the route's 2 MiB limit) and sends only its first part gets
// the coded 401 at once, while it is still expected to send the rest. Before, the route received and
// parsed the whole body first, so such a client kept the node reading up to 2 MiB per request.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';

let node: LiveNode;
beforeAll(async () => {
  node = await startLiveNode();
});
afterAll(() => node.close());

/** Sends the headers and the first `sent` bytes of a `declared`-byte body, then waits for an answer
 * (or gives up after `waitMs`: the server is then waiting for the rest of the body). */
function partialPost(headers: string[], declared: number, sent: number, waitMs: number) {
  const port = Number(new URL(node.url).port);
  return new Promise<{ answered: boolean; response: string }>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answered, response });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
      const end = response.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(response)?.[1];
      if (end >= 0 && length !== undefined && response.length >= end + 4 + Number(length)) done(true);
    });
    socket.on('close', () => done(response.length > 0));
    socket.write(
      [
        'POST /api/ingest/readings HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${declared}`,
        ...headers,
        '',
        '',
      ].join('\r\n'),
    );
    socket.write(`{"readings":[${' '.repeat(sent - 13)}`);
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

it('refuses a request without a valid edge token before its 1.5 MB body has been sent', async () => {
  const declared = 1_500_000;
  for (const headers of [[], ['Authorization: Bearer not-an-edge-token']]) {
    // 64 KiB of the 1.5 MB: the server cannot have read the body, yet it answers.
    const r = await partialPost(headers, declared, 64 * 1024, 10_000);
    expect(r.answered, 'answered before the body was complete').toBe(true);
    expect(r.response.startsWith('HTTP/1.1 401')).toBe(true);
    expect(bodyOf(r.response).code).toBe('AUTH_INVALID_TOKEN');
  }
});
