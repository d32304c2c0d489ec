// Benchmark target: the real platform (config from the environment, like `npm start`). With SEED=1 it
// also sets up a live session with a card (staff and host seeded in the store, the rest through its
// HTTP API) and prints {"port","sessionId","pin"}: the URL and host token the orchestrator posts to, as
// a host's browser would, so the client side of that request is not charged to this process.
// "rss" prints {"rssMb","heapUsedMb",…}; "exit" shuts down.
import { randomUUID } from 'node:crypto';
import { createLogger, loadConfig, startPlatform, TokenService } from '../../gateway/index.ts';
import { seedPeople } from '../orders/seed.ts';
import { memoryFigures } from './memory.ts';

const config = loadConfig(process.env);
const platform = await startPlatform(config, createLogger(config.logLevel));
const base = `http://127.0.0.1:${platform.ports.http.port}`;
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

if (process.env.SEED === '1') {
  const tokens = new TokenService({ secret: new TextEncoder().encode(config.auth.secret!) });
  const [staff] = await seedPeople(platform.commerce, tokens, 1, ['member', 'staff']);
  const [host] = await seedPeople(platform.commerce, tokens, 1, ['member', 'host']);
  const post = async (p: string, token: string, body: unknown = {}) => {
    const res = await fetch(`${base}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const product = await post('/api/products', staff!.token, {
    titles: { en: 'Fan-out item', 'zh-Hans': '测试', 'zh-Hant': '測試' },
    skus: [{ code: `F-${randomUUID()}`, priceMinor: 9_900, currency: 'CNY', stock: 100 }],
  });
  const session = await post('/api/live-sessions', host!.token, { title: 'Fan-out bench' });
  const sessionId = session.sessionId as string;
  await post(`/api/live-sessions/${sessionId}/go-live`, host!.token);
  const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
  const card = await post(`/api/live-sessions/${sessionId}/cards`, host!.token, { skuId, quantity: 100 });
  say({
    port: platform.ports.http.port,
    sessionId,
    pin: { url: `${base}/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`, token: host!.token },
  });
} else {
  say({ port: platform.ports.http.port });
}

process.stdin.on('data', (d) => {
  const text = String(d);
  if (text.includes('rss')) say({ ...memoryFigures() });
  if (text.includes('exit')) void platform.close().then(() => process.exit(0));
});
