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
    if (!res.ok) throw await ingestError(res);
    await res.arrayBuffer();
  }
}

/** The core's answer as an error carrying its code (how the forwarder tells a refusal from an outage). */
async function ingestError(res: Response): Promise<Error> {
  let code: string | undefined;
  let message = `core ingest answered ${res.status}`;
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = `${message}: ${body.message}`;
  } catch {
    // not JSON (a proxy's page): no code, so a transient failure
  }
  // Only a validation refusal names the readings; 401/403/404/408/413/429 and 5xx are retried.
  const refusal = (res.status === 400 || res.status === 422) && code !== undefined;
  return Object.assign(new Error(message), refusal ? { code, status: res.status } : { status: res.status });
}
