// Wire contracts shared by every room: the device protocol, the error registry, the HTTP schemas and
// their types (http/) and the socket.io event maps per namespace (sockets/).

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
export * from './http/index.ts';
export * from './media-nodes.ts';
export type * from './sockets/index.ts';
