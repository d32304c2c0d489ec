// The registry of every error a client can see: a stable code, its HTTP status and a message template.
// Codes are never reused for a different meaning; add new ones, never rename old ones.

interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

export const ERRORS = {
  // Generic
  VALIDATION_FAILED: { status: 400, message: 'Request is invalid: {reason}' },
  NOT_FOUND: { status: 404, message: '{what} not found' },
  CONFLICT: { status: 409, message: 'Conflict: {reason}' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry in {retryAfterSec} s' },
  INTERNAL: { status: 500, message: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, message: '{what} is unavailable' },

  // Configuration and process
  CONFIG_INVALID: { status: 500, message: 'Configuration value {key} is invalid: {reason}' },
  PORT_IN_USE: { status: 500, message: 'Configured port {port} ({what}) is already in use' },

  // Auth and access
  AUTH_REQUIRED: { status: 401, message: 'Authentication required' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'Wrong login or password' },
  AUTH_INVALID_TOKEN: { status: 401, message: 'Token is invalid, expired or revoked' },
  AUTH_THROTTLED: { status: 429, message: 'Too many login attempts; retry in {retryAfterSec} s' },
  AUTH_ACCOUNT_THROTTLED: {
    status: 429,
    message:
      'Too many failed logins to this account; retry in {retryAfterSec} s, log in where you logged in before, or reset the password with a code from staff',
  },
  FORBIDDEN: { status: 403, message: 'Not allowed: {reason}' },
  AUTH_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'This password is single-use; set a new password to continue',
  },
  AUTH_RESET_CODE_INVALID: { status: 400, message: 'Reset code is invalid, expired or already used' },

  // People and channels
  CONTACT_INVALID: { status: 400, message: 'Invalid {field}: {reason}' },
  PERSON_CONTACT_TAKEN: { status: 409, message: 'That {field} belongs to another account' },
  // Contact proof (one-time codes sent to an e-mail address or phone)
  CONTACT_CODE_INVALID: { status: 400, message: 'The code is wrong, expired or used up; ask for a new one' },
  CONTACT_CODE_THROTTLED: { status: 429, message: 'Too many codes asked for; retry in {retryAfterSec} s' },
  AUTH_CONTACT_UNPROVEN: {
    status: 403,
    message: 'Prove your {field} first: ask for a code, it is sent to that {field}',
  },
  INVITATION_NOT_FOUND: { status: 404, message: 'No open invitation {invitationId} for you' },
  CHANNEL_MANAGER_INVALID: {
    status: 422,
    message: 'Person {personId} does not hold the channel_manager role',
  },

  // Commerce
  CARD_SOLD_OUT: { status: 409, message: 'This item is sold out' },
  ORDER_LIMIT_EXCEEDED: { status: 409, message: 'At most {limit} per person for this item' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'Idempotency-Key was already used with a different request',
  },
  ORDER_INVALID_TRANSITION: { status: 409, message: 'Order cannot go from {from} to {to}' },
  HOST_ROLE_REQUIRED: { status: 422, message: 'Person {personId} does not hold the host role' },
  SESSION_STATE_INVALID: { status: 409, message: 'Live session is {state}; cannot {action}' },
  CARD_STATE_INVALID: { status: 409, message: 'Card is {state}; cannot {action}' },
  CARD_PIN_LIMIT: { status: 409, message: 'At most {limit} cards can be pinned at once' },
  STOCK_INSUFFICIENT: { status: 409, message: 'Only {available} units of SKU {skuId} are in stock' },
  PAYMENT_SIGNATURE_INVALID: { status: 401, message: 'Payment callback rejected: {reason}' },
  PAYMENT_PROVIDER_UNKNOWN: { status: 400, message: 'Payment provider {provider} is not configured' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, message: 'Idempotency-Key header is required' },
  SKU_CODE_TAKEN: { status: 409, message: 'SKU code {code} is already used' },
  CREDIT_UNAVAILABLE: { status: 409, message: 'No referral credit can be redeemed: {reason}' },
  IMAGE_INVALID: { status: 422, message: 'Image rejected: {reason}' },
  IMAGE_TOO_LARGE: { status: 413, message: 'Image is too large: {reason}' },
  PRODUCT_IMAGE_LIMIT: { status: 409, message: 'A product has at most {limit} photos' },

  // Offline events and metrics
  EVENT_CHANNEL_NOT_LISTED: { status: 409, message: 'Channel {channelId} is not part of event {eventId}' },
  EVENT_INVITEE_OTHER_CHANNEL: {
    status: 409,
    message: 'That person belongs to another channel; ask staff to register them',
  },
  MEMBER_CODE_UNKNOWN: { status: 404, message: 'No person has member code {code}' },
  METRIC_RANGE_INVALID: {
    status: 422,
    message: 'The range of {metric} must satisfy {lower} <= min < max <= {upper}',
  },
  HEALTH_CONSENT_REQUIRED: {
    status: 403,
    message: 'This person has not consented to the use of their health data',
  },
  METRICS_PERIOD_INVALID: { status: 400, message: 'Period is invalid: {reason}' },

  // Follow-ups and payout runs
  FOLLOW_UP_OWNER_INVALID: {
    status: 422,
    message: 'Person {personId} cannot own follow-ups (needs staff, admin or channel_manager)',
  },
  FOLLOW_UP_LOST_REASON_REQUIRED: { status: 400, message: 'Moving a follow-up to lost needs a reason' },
  PAYOUT_RUN_EMPTY: { status: 409, message: 'Nothing is available to pay out up to {toMs}' },
  PAYOUT_RUN_ALREADY_PAID: { status: 409, message: 'Payout run {runId} was already marked paid' },

  // Clinics, experts and consultations
  CONSULTATION_SLOT_TAKEN: { status: 409, message: 'That time with this expert is already booked' },
  CONSULTATION_SLOT_UNAVAILABLE: {
    status: 409,
    message: 'The expert offers no consultation starting at {startsAtMs}: {reason}',
  },
  CONSULTATION_CUTOFF_PASSED: {
    status: 409,
    message: 'Consultations can be changed or cancelled until {cutoffMinutes} minutes before they start',
  },
  CONSULTATION_STATE_INVALID: { status: 409, message: 'Consultation is {status}; cannot {action}' },
  CONSULTATION_VIDEO_CLOSED: {
    status: 409,
    message: 'The video call of this consultation is not open: {reason}',
  },
  // Messaging
  UNSUBSCRIBE_LINK_INVALID: { status: 400, message: 'This unsubscribe link is not valid' },
  INBOUND_SIGNATURE_INVALID: { status: 401, message: 'Inbound message rejected: {reason}' },
  WECHAT_AUTH_FAILED: { status: 502, message: 'WeChat did not accept the authorisation: {reason}' },
  WECHAT_STATE_INVALID: {
    status: 400,
    message: 'This WeChat authorisation is not valid or was already used',
  },
  LIVE_REMINDER_CLOSED: { status: 409, message: 'Live session {sessionId} is {state}; reminders are closed' },

  // Live (socket.io)
  LIVE_NOT_JOINED: { status: 409, message: 'Join live session {sessionId} first' },
  CHAT_MUTED: { status: 403, message: 'You are muted in this live session' },

  // Edge / devices
  DEVICE_ACL_DENIED: { status: 403, message: 'Device {deviceId} may not use topic {topic}' },
  READING_INVALID: { status: 422, message: 'Reading is invalid: {reason}' },

  // HTTP framing: requests refused before any route runs (fastify's and Node's own refusals, recoded)
  HTTP_URL_INVALID: { status: 400, message: 'The URL is not valid: {reason}' },
  HTTP_PATH_PARAM_TOO_LONG: { status: 414, message: 'A path segment is longer than {limit} characters' },
  HTTP_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than {limit} bytes' },
  HTTP_MEDIA_TYPE_UNSUPPORTED: { status: 415, message: 'Content type {contentType} is not accepted here' },
  HTTP_REQUEST_MALFORMED: { status: 400, message: 'Malformed HTTP request' },
  HTTP_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },

  // Media
  MEDIA_WORKER_UNAVAILABLE: { status: 503, message: 'No media worker is available' },
  MEDIA_SESSION_NOT_LIVE: { status: 409, message: 'Live session {sessionId} is not live' },
  MEDIA_NOT_JOINED: { status: 409, message: 'Join the media room of session {sessionId} first' },
  MEDIA_HOST_ONLY: { status: 403, message: 'Only the host of session {sessionId} may publish' },
  MEDIA_TRANSPORT_NOT_FOUND: { status: 404, message: 'Transport {transportId} not found' },
  MEDIA_PRODUCER_NOT_FOUND: { status: 404, message: 'Producer {producerId} not found in this room' },
  MEDIA_CONSUMER_NOT_FOUND: { status: 404, message: 'Consumer {consumerId} not found' },
  MEDIA_CANNOT_CONSUME: { status: 422, message: 'Cannot consume producer {producerId}: {reason}' },
  MEDIA_INVALID_PARAMETERS: { status: 422, message: 'Media parameters rejected: {reason}' },
  MEDIA_ROOM_CLOSED: { status: 410, message: 'The media room of session {sessionId} is closed' },
  MEDIA_LIMIT_REACHED: { status: 429, message: 'At most {limit} {what} per media peer' },
  MEDIA_NOT_ORIGIN: { status: 409, message: 'Session {sessionId} is published to another media node' },

  // MQTT connection limits (the edge broker closes the connection; the code names the reason in logs,
  // metrics and /healthz)
  MQTT_PACKET_TOO_LARGE: { status: 413, message: 'MQTT packet declares more bytes than allowed' },
  MQTT_CONNECT_TIMEOUT: { status: 408, message: 'MQTT connection was not acknowledged in time' },
  MQTT_PENDING_LIMIT: { status: 503, message: 'Too many MQTT connections awaiting authentication' },
  MQTT_CONNECT_RATE_LIMITED: { status: 429, message: 'Too many MQTT connections from this address' },
  MQTT_QOS_UNSUPPORTED: { status: 400, message: 'MQTT QoS 2 publishes are not accepted' },
  MQTT_PROTOCOL_VIOLATION: { status: 400, message: 'MQTT stream is malformed' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export type ErrorParams = Record<string, string | number>;

function render(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/** An error with a stable code; the only kind of error that may cross a room boundary. */
export class VitaliveError extends Error {
  override readonly name = 'VitaliveError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(render(ERRORS[code].message, params), options);
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.params = params;
  }

  /** The JSON body clients receive (HTTP responses and socket acks alike). */
  toJSON(): { code: ErrorCode; message: string; params: ErrorParams } {
    return { code: this.code, message: this.message, params: this.params };
  }
}

export function isVitaliveError(err: unknown): err is VitaliveError {
  return err instanceof VitaliveError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
