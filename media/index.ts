// Public API of the media room.
export { ROUTER_MEDIA_CODECS } from './codecs.ts';
export {
  ConsultationRoom,
  type ConsultationRoomEvents,
  type ConsultationSide,
  otherSide,
} from './consultation-room.ts';
export { ConsultationRooms, type ConsultationRoomsEvents } from './consultation-rooms.ts';
export { type LayerHint, pickSpatialLayer } from './layers.ts';
export {
  type ConnectParams,
  type ConsumeRequest,
  type ConsumerInfo,
  LiveRoom,
  type LiveRoomEvents,
  type PeerRole,
  type PlainTransportInfo,
  type ProducerInfo,
  type RoomRouter,
  type WebRtcTransportInfo,
} from './live-room.ts';
export { LiveRooms, type LiveRoomsEvents, type LiveRoomsOptions } from './live-rooms.ts';
export { Recorders, type RecordersEvents, type RecordersOptions, recorderPeerId } from './recorder.ts';
export { processCpuSeconds } from './recorder-ffmpeg.ts';
export {
  assertSafeSessionId,
  type RecordingManifest,
  type RecordingSegment,
  readManifest,
  sessionRecordingDir,
} from './recorder-manifest.ts';
export type { PipedProducer, PipeEndpoint } from './room-pipes.ts';
export { endpointOf, sendOverPipe } from './room-pipes.ts';
export type { MediaStats, RoomStats, WorkerStats } from './stats.ts';
export {
  WorkerPool,
  type WorkerPoolEvents,
  type WorkerPoolHealth,
  type WorkerPoolOptions,
  type WorkerSlot,
} from './worker-pool.ts';
