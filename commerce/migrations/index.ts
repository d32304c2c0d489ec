// Versioned migrations, applied in key order at start-up. Never edit a migration that has shipped;
// add the next one.
import type { Migration } from 'kysely';
import * as m0001 from './0001-store-meta.ts';

export const migrations: Record<string, Migration> = {
  '0001-store-meta': m0001,
};
