export {
  applyBatch,
  applyEvent,
  type EventBus,
  type EventBusHealth,
  type EventConsumer,
  readPosition,
} from './consumer.ts';
export { LocalEventBus, type LocalEventBusOptions } from './local-bus.ts';
export { RedisEventBus, type RedisEventBusOptions } from './redis-bus.ts';
