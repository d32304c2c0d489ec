// A small payment provider for tests: the buyer "pays" at POST /pay/:orderId, and the provider calls the
// platform's webhook with a signed event — correctly, or with a bad signature, a stale timestamp, or
// the same event twice, as asked.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook } from '../../commerce/internals.ts';

export interface PayOptions {
  amountMinor: number;
  currency: string;
  eventId?: string;
  /** Sign with this key instead of the shared one. */
  wrongKey?: boolean;
  /** Timestamp offset from now, ms (e.g. -10 minutes). */
  skewMs?: number;
}

export class FakePaymentProvider {
  readonly secret = `whsec-${randomUUID()}`;
  #server: http.Server | undefined;
  url = '';

  constructor(readonly callbackUrl: () => string) {}

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => {
        raw += d;
      });
      req.on('end', async () => {
        const match = /^\/pay\/([^/]+)$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match) {
          res.writeHead(404).end();
          return;
        }
        const opts = JSON.parse(raw) as PayOptions;
        const answer = await this.#callBack(decodeURIComponent(match[1]!), opts);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  /** What the buyer's browser does on the hosted page: pay, and get the platform's answer relayed. */
  async pay(
    checkoutUrl: string,
    opts: PayOptions,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(checkoutUrl, { method: 'POST', body: JSON.stringify(opts) });
    return (await res.json()) as { status: number; body: Record<string, unknown> };
  }

  async #callBack(orderId: string, opts: PayOptions) {
    const body = JSON.stringify({
      id: opts.eventId ?? `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      orderId,
      amountMinor: opts.amountMinor,
      currency: opts.currency,
    });
    const signature = signWebhook(
      opts.wrongKey ? 'not-the-shared-secret' : this.secret,
      body,
      Date.now() + (opts.skewMs ?? 0),
    );
    const res = await fetch(this.callbackUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vitalive-signature': signature },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Sends any body to the platform's webhook, correctly signed (a provider bug or a hostile replay). */
  async deliverRaw(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(this.callbackUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-vitalive-signature': signWebhook(this.secret, body, Date.now()),
      },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
