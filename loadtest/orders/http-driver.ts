// A keep-alive HTTP client for the order benchmarks (an undici pool: far cheaper per request than
// node:http, so the driver takes less of the machine it shares with the platform): posts JSON, returns
// the status and the latency.
import { Pool } from 'undici';

export class HttpDriver {
  readonly #pool: Pool;

  constructor(baseUrl: string, sockets: number) {
    this.#pool = new Pool(baseUrl, { connections: sockets, pipelining: 1 });
  }

  async post(
    path: string,
    token: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; ms: number; body: string }> {
    const started = performance.now();
    const res = await this.#pool.request({
      path,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, ms: performance.now() - started, body: text };
  }

  close(): void {
    void this.#pool.close();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
