// Public API of the commerce room.
export {
  type EventBus,
  type EventBusHealth,
  type EventConsumer,
  LocalEventBus,
  type LocalEventBusOptions,
  RedisEventBus,
  type RedisEventBusOptions,
} from './events/index.ts';
export {
  appendEvent,
  currentSessionSeq,
  type DomainEvent,
  type DomainEventType,
  type NewDomainEvent,
  readEvents,
} from './outbox.ts';
export { isRole, ROLES, type Role, STAFF_ROLES } from './roles.ts';
export {
  type ChannelResolver,
  type FunnelRow,
  liveFunnelConsumer,
  readLiveFunnel,
} from './rollups/index.ts';
export type { Database, ViewerEventType } from './schema.ts';
export { Store, type StoreDialect, type StoreHealth, type StoreOptions } from './store.ts';
export { linkViewer, type ViewerEvent, ViewerEventLog, type ViewerEventLogOptions } from './viewers/index.ts';
