// The services benchmarks start for themselves (free ports, a throwaway redis-server, a throwaway
// PostgreSQL database) now live in loadtest/clients/, shared with the tests; kept here for old importers.
export { freePort } from './clients/ports.ts';
export { createScratchDatabase as createPgDatabase } from './clients/postgres.ts';
export { startRedis } from './clients/redis-server.ts';
