export { type EdgeTokenInfo, EdgeTokens } from './edge-tokens.ts';
export { type IngestReading, Readings, type StoredReading } from './readings.ts';
