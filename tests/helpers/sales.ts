// Live-sales fixtures: a host, a product with stock, a live session and a pinned card, made through the
// real commerce API.
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
