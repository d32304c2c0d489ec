// Public API of the commerce room.
export type { Database } from './schema.ts';
export { Store, type StoreDialect, type StoreHealth, type StoreOptions } from './store.ts';
