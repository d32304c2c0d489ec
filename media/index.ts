// Public API of the media room.
export {
  WorkerPool,
  type WorkerPoolEvents,
  type WorkerPoolHealth,
  type WorkerPoolOptions,
  type WorkerSlot,
} from './worker-pool.ts';
