// Wire contracts shared by every room: the error registry (and, as they arrive, protobuf code and
// socket.io event maps).

export {
  checkReadingFields,
  DEVICE_COMMANDS,
  DEVICE_TOPICS,
  type DeviceCommand,
  DeviceReading,
  DeviceReadingBatch,
  decodeReading,
  encodeReading,
  MAX_FUTURE_MS,
  METRIC_NAMES,
  METRIC_RANGES,
  Metric,
  type QuarantineReason,
  READING_FIELDS,
  type ReadingRecord,
} from './device.ts';
export {
  ERRORS,
  type ErrorCode,
  type ErrorParams,
  isErrorCode,
  isVitaliveError,
  VitaliveError,
} from './errors.ts';
export type {
  Ack,
  ChatMessage,
  HttpLikeReply,
  LiveCardView,
  LiveClientToServer,
  LiveJoinPayload,
  LiveServerToClient,
  LiveSnapshot,
  OrderPlaceBody,
  OrderPlacePayload,
  SessionEventFrame,
} from './live-events.ts';
export type {
  ConsumeReply,
  LayerHintPayload,
  MediaClientToServer,
  MediaJoinReply,
  MediaJson,
  MediaKind,
  MediaRoomStats,
  MediaServerToClient,
  PlainTransportReply,
  WebRtcTransportReply,
} from './media-events.ts';
