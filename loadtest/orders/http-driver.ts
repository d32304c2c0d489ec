// A keep-alive HTTP client for the order benchmarks: posts JSON, returns the status and the latency.
import http from 'node:http';

export class HttpDriver {
  readonly #agent: http.Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, sockets: number) {
    const u = new URL(baseUrl);
    this.#host = u.hostname;
    this.#port = Number(u.port);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(
    path: string,
    token: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; ms: number; body: string }> {
    const payload = JSON.stringify(body);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.#host,
          port: this.#port,
          path,
          method: 'POST',
          agent: this.#agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            data += d;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: data }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
