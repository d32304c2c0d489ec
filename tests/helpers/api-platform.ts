// The start-up most HTTP API tests share: a fresh store on one backend, the real routes on a loopback
// port and, when asked, outbox delivery to commerce's consumers on a short poll (for tests that read
// what the ledger, rollups or follow-ups made of a request). close() undoes all of it, once.
import type { LocalEventBus as Bus, Store, StoreDialect } from '../../commerce/internals.ts';
import { LocalEventBus } from '../../commerce/internals.ts';
import { testLogger } from './logger.ts';
import { openTestStore, startTestApi, type TestApi, type TestStore } from './people.ts';

export interface ApiPlatform {
  t: TestStore;
  store: Store;
  api: TestApi;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Present with `delivery: true`. */
  bus: Bus | undefined;
  close(): Promise<void>;
}

export async function startApiPlatform(
  dialect: StoreDialect,
  opts: Omit<Parameters<typeof startTestApi>[1] & object, 'events'> & { delivery?: boolean } = {},
): Promise<ApiPlatform> {
  const { delivery, ...apiOpts } = opts;
  const t = await openTestStore(dialect);
  const bus = delivery
    ? new LocalEventBus({ db: t.store.db, logger: testLogger, nodeId: 'a', pollMs: 10 })
    : undefined;
  const api = await startTestApi(t.store, { ...apiOpts, events: bus });
  await bus?.start();
  let closing: Promise<void> | undefined;
  return {
    t,
    store: t.store,
    api,
    url: api.url,
    bus,
    close() {
      closing ??= (async () => {
        await bus?.close();
        await api.close();
        await t.cleanup();
      })();
      return closing;
    },
  };
}
