// Public API of the edge room.
export { EdgeBroker, type EdgeBrokerHealth, type EdgeBrokerOptions } from './broker.ts';
export { type EdgeDb, openEdgeDb } from './db.ts';
export { DeviceRegistry } from './devices.ts';
export { type DeviceWithPresence, Edge, type EdgeHealth, type EdgeOptions } from './edge.ts';
export type { ReadingSink } from './forwarder.ts';
export type { JournaledReading } from './journal.ts';
