// Live-sales fixtures: a host, a product with stock, a live session and a pinned card, made through the
// real commerce API; and a throwaway redis-server owned by a test.
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import {
  type CardView,
  Catalog,
  LiveSales,
  type LiveSession,
  manualProvider,
  Orders,
  type OrdersOptions,
  type Store,
} from '../../commerce/internals.ts';
import type { TokenService } from '../../gateway/auth/index.ts';
import { testLogger } from './logger.ts';
import { type Seeded, seedPerson } from './people.ts';
import { freePort } from './ports.ts';

export interface LiveCardFixture {
  sales: LiveSales;
  catalog: Catalog;
  host: Seeded;
  session: LiveSession;
  card: CardView;
}

let skuSeq = 0;

export async function liveCard(
  store: Store,
  tokens: TokenService,
  opts: { units: number; perMemberLimit?: number; priceMinor?: number; pin?: boolean },
): Promise<LiveCardFixture> {
  const sales = new LiveSales(store);
  const catalog = new Catalog(store);
  const host = await seedPerson(store, tokens, { roles: ['host'] });
  const actor = { personId: host.person.id, roles: host.person.roles };
  const product = await catalog.create({
    titles: { en: 'Protein shake', 'zh-Hans': '蛋白奶昔', 'zh-Hant': '蛋白奶昔' },
    tags: ['weight-management'],
    skus: [
      {
        code: `SKU-${process.pid}-${++skuSeq}-${Date.now()}`,
        priceMinor: opts.priceMinor ?? 19_900,
        currency: 'CNY',
        stock: opts.units,
      },
    ],
  });
  const session = await sales.createSession(actor, { title: 'Evening live' });
  await sales.goLive(actor, session.sessionId);
  let card = await sales.createCard(actor, session.sessionId, {
    skuId: product.skus[0]!.skuId,
    quantity: opts.units,
    perMemberLimit: opts.perMemberLimit ?? 5,
  });
  if (opts.pin !== false) card = await sales.pin(actor, session.sessionId, card.cardId);
  return { sales, catalog, host, session: (await sales.session(session.sessionId))!, card };
}

export function testOrders(store: Store, opts: Partial<OrdersOptions> = {}): Orders {
  return new Orders({
    store,
    logger: testLogger,
    providers: { manual: manualProvider(48 * 3600_000) },
    ...opts,
  });
}

export const PICKUP = { method: 'pickup' as const, clinic: 'Clinic 1' };

/** A redis-server of the test's own, on a free port, without persistence; restartable. */
export class TestRedisServer {
  port = 0;
  #child: ChildProcess | undefined;

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  client(): Redis {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // Refused connections while the server is down are the point of the restart tests.
    client.on('error', () => {});
    return client;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}
