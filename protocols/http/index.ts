// The HTTP contracts: one module per API area, each with its TypeBox schemas (request validation and
// the OpenAPI document at /docs) and their `Static` types (what the server returns, what browsers read).
export * from './auth.ts';
export * from './catalog.ts';
export * from './channels.ts';
export * from './common.ts';
export * from './experts.ts';
export * from './follow-ups.ts';
export * from './follows.ts';
export * from './goal-rules.ts';
export * from './knowledge.ts';
export * from './ledger.ts';
export * from './live-sessions.ts';
export * from './lives.ts';
export * from './messaging.ts';
export * from './metrics.ts';
export * from './offline-events.ts';
export * from './orders.ts';
export * from './payout-runs.ts';
export * from './people.ts';
export * from './readings.ts';
export * from './replays.ts';
