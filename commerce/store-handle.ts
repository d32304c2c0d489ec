// The store as other rooms hold it: opened and closed by a composition root and passed to
// createCommerce, with its health for /healthz — and no way to its tables.
import { Store, type StoreDialect, type StoreHealth, type StoreOptions } from './store.ts';

export interface CommerceStore {
  readonly dialect: StoreDialect;
  health(): Promise<StoreHealth>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Opens (and migrates) the store: SQLite in the data dir, or PostgreSQL for a postgres:// URL. */
export function openStore(options: StoreOptions): Promise<CommerceStore> {
  return Store.open(options);
}

/** The store behind a handle; only stores opened by commerce are accepted. */
export function asStore(handle: CommerceStore): Store {
  if (!(handle instanceof Store)) throw new TypeError('createCommerce needs a store opened by openStore()');
  return handle;
}
