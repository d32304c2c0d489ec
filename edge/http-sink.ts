// ReadingSink for a standalone edge at a venue: POST /api/ingest/readings on the core with the edge
// token. The core stores by reading identity, so retrying a batch is harmless.
import type { ReadingSink } from './forwarder.ts';
import type { JournaledReading } from './journal.ts';

export class HttpReadingSink implements ReadingSink {
  readonly #url: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(coreUrl: string, token: string, timeoutMs = 10_000) {
    this.#url = new URL('/api/ingest/readings', coreUrl).toString();
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  async write(readings: readonly JournaledReading[]): Promise<void> {
    const body = JSON.stringify({
      readings: readings.map((r) => ({
        deviceId: r.deviceId,
        bootId: r.bootId,
        seq: r.seq,
        metric: r.metric,
        value: r.value,
        measuredAtMs: r.measuredAtMs,
        memberCode: r.memberCode,
        eventId: r.eventId,
        receivedAtMs: r.receivedAtMs,
      })),
    });
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
