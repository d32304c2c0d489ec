// Wire contracts shared by every room: the error registry (and, as they arrive, protobuf code and
// socket.io event maps).
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
  MediaServerToClient,
  PlainTransportReply,
  WebRtcTransportReply,
} from './media-events.ts';
