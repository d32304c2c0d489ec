// ReadingSink for a standalone edge at a venue: POST /api/ingest/readings on the core with the edge
// token. The core stores by reading identity, so retrying a batch is harmless.
import type { ReadingSink } from './forwarder.ts';
import type { JournaledReading } from './journal.ts';

/**
 * Largest request body sent: the core's HTTP app refuses JSON bodies over 64 KiB (413), which retrying
 * cannot fix, so a forwarder batch goes out as several posts under that bound, in order.
 */
export const MAX_INGEST_BODY_BYTES = 60_000;

export class HttpReadingSink implements ReadingSink {
  readonly #url: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;

  constructor(coreUrl: string, token: string, timeoutMs = 10_000, maxBodyBytes = MAX_INGEST_BODY_BYTES) {
    this.#url = new URL('/api/ingest/readings', coreUrl).toString();
    this.#token = token;
    this.#timeoutMs = timeoutMs;
    this.#maxBodyBytes = maxBodyBytes;
  }

  async write(readings: readonly JournaledReading[]): Promise<void> {
    const head = '{"readings":[';
    let parts: string[] = [];
    let bytes = head.length + 2;
    for (const r of readings) {
      const json = JSON.stringify({
        deviceId: r.deviceId,
        bootId: r.bootId,
        seq: r.seq,
        metric: r.metric,
        value: r.value,
        measuredAtMs: r.measuredAtMs,
        memberCode: r.memberCode,
        eventId: r.eventId,
        receivedAtMs: r.receivedAtMs,
      });
      const size = Buffer.byteLength(json) + 1;
      if (parts.length > 0 && bytes + size > this.#maxBodyBytes) {
        await this.#post(`${head}${parts.join(',')}]}`);
        parts = [];
        bytes = head.length + 2;
      }
      parts.push(json);
      bytes += size;
    }
    if (parts.length > 0) await this.#post(`${head}${parts.join(',')}]}`);
  }

  async #post(body: string): Promise<void> {
    const res = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` },
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!res.ok) throw new Error(`core ingest answered ${res.status}`);
    await res.arrayBuffer();
  }
}
