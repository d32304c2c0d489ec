// A small SMS provider for tests, speaking the platform's SMS wire format (gateway/messengers.ts):
// POST / with a bearer key and {"to", "text", "kind"}. It keeps what it accepted so tests can read codes,
// refuses a wrong key with 401, and answers 503 while told to fail.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeIn } from './mailbox.ts';

export interface ReceivedSms {
  to: string;
  text: string;
  kind: string;
  /** The language the platform says the text is in. */
  locale?: string;
  /** The id this provider answered (what its delivery receipt names). */
  id?: string;
}

export class FakeSmsProvider {
  readonly key = `sms-${randomUUID()}`;
  readonly received: ReceivedSms[] = [];
  /** Requests refused for a missing or wrong key. */
  refused = 0;
  /** While above zero, each request is answered 503 (and counted down): a provider outage on demand. */
  failNext = 0;
  /** Requests answered 503 so far. */
  failed = 0;
  url = '';
  #server: http.Server | undefined;

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => {
        raw += d;
      });
      req.on('end', () => {
        if (req.method !== 'POST') {
          res.writeHead(405).end();
          return;
        }
        if (req.headers.authorization !== `Bearer ${this.key}`) {
          this.refused++;
          res.writeHead(401).end();
          return;
        }
        if (this.failNext > 0) {
          this.failNext--;
          this.failed++;
          res.writeHead(503).end();
          return;
        }
        const body = JSON.parse(raw) as ReceivedSms;
        const id = randomUUID();
        this.received.push({ to: body.to, text: body.text, kind: body.kind, locale: body.locale, id });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/messages`;
    return this;
  }

  /** Messages to a number so far. */
  to(phone: string): ReceivedSms[] {
    return this.received.filter((m) => m.to === phone);
  }

  /**
   * The code in the latest code message to a number. A code is sent before the platform answers; other
   * messages (an invitation) may be sent after an answer, so they are skipped.
   */
  codeFor(phone: string): string {
    const last = this.to(phone).findLast((m) => codeIn(m.text) !== undefined);
    const code = last && codeIn(last.text);
    if (!code) throw new Error(`no code sent to ${phone}`);
    return code;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
