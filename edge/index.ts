// Public API of the edge room.
export { EdgeBroker, type EdgeBrokerHealth, type EdgeBrokerOptions } from './broker.ts';
