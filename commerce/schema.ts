// Table types for Kysely. Grows with each migration in commerce/migrations/.

/** Bookkeeping row written by the first migration; lets health checks prove a real round trip. */
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface Database {
  store_meta: StoreMetaTable;
}
