// The platform process's configuration: one defaults object, overridden by environment variables.
// Nothing else in the process reads process.env; main.ts passes it here and hands slices to each room.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { VitaliveError } from '../protocols/index.ts';

export interface PortSetting {
  port: number;
  /** True when the port came from the environment: a taken port is then a start-up error. */
  explicit: boolean;
}

export interface PlatformConfig {
  http: {
    host: string;
    port: PortSetting;
    /**
     * Peers whose X-Forwarded-For/-Proto are believed (client IP for login throttling, https): false, a
     * hop count, or the proxies' addresses/CIDRs. Never the client's own leftmost entry.
     */
    trustProxy: false | number | string[];
  };
  /** The platform's public origin (https://shop.example.com); https makes the refresh cookie Secure. */
  publicUrl: string | undefined;
  /** Who may read /metrics and the details of /healthz. */
  monitoring: {
    /** Bearer token for /metrics and /healthz details on the public HTTP port; undefined → nobody there. */
    token: string | undefined;
    host: string;
    /** Separate listener serving /metrics and full /healthz without a token; undefined → none. */
    port: PortSetting | undefined;
  };
  mqtt: {
    host: string;
    port: PortSetting;
    /** Connection limits enforced before the broker parses a packet (see MQTT_* in DEFAULTS). */
    limits: {
      maxConnectBytes: number;
      maxPacketBytes: number;
      connectTimeoutMs: number;
      maxPendingConnections: number;
      connectsPerIpPerSec: number;
    };
    /** 'child': the broker runs in a process of its own (dist/broker.mjs); 'inline': in this one. */
    process: 'child' | 'inline';
    /** Restart delay after the broker child died: doubles per quick death, from base up to max. */
    restartBaseMs: number;
    restartMaxMs: number;
  };
  media: {
    /** Number of mediasoup workers; 0 on gateway nodes that host no media. */
    workers: number;
    /** First WebRtcServer port; worker i listens on basePort + i (UDP and TCP). */
    basePort: PortSetting;
    listenIp: string;
    /** Address put in ICE candidates when listenIp is not reachable by clients (NAT, 0.0.0.0). */
    announcedAddress: string | undefined;
    /** Port range for PlainTransports (RTP ingest) and pipe transports. */
    rtcMinPort: number;
    rtcMaxPort: number;
    logLevel: 'debug' | 'warn' | 'error' | 'none';
    /** Consumers per router before a live room pipes its host to another worker's router. */
    consumerBudget: number;
    /** Public base URL of the media node(s) that viewers open /media on; undefined → same origin. */
    publicUrl: string | undefined;
    /** Least time between keyframe requests reaching the host's encoder (or a pipe), per layer; 0 off. */
    keyFrameRequestDelayMs: number;
    /** This process as one of several media nodes (`npm run media`), registered in Redis. */
    node: {
      /** undefined → a random id at start. */
      id: string | undefined;
      /** Base URL clients open this node's /media on; undefined → http://MEDIA_LISTEN_IP:HTTP_PORT. */
      url: string | undefined;
      region: string | undefined;
      /** Consumers before the directory counts the node as full; 0 → consumerBudget × workers. */
      capacity: number;
      heartbeatMs: number;
      /** An entry not refreshed for this long drops out of the directory. */
      timeoutMs: number;
      /** How long an edge keeps its pipe from the origin after its last viewer left. */
      pipeGraceMs: number;
      /** How long a media node waits for the core's answer (who hosts, a person's access). */
      coreTimeoutMs: number;
    };
  };
  dataDir: string;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  /** PostgreSQL connections of the request pool (the background pool has 3 more). */
  databasePoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Grace period for shutdown before the process exits anyway. */
  shutdownTimeoutMs: number;
  auth: {
    /** HS256 key for access tokens; undefined → generated once and kept in the data dir. */
    secret: string | undefined;
    accessTtlSec: number;
    refreshTtlSec: number;
    /** scrypt cost for new password hashes, as log2(N); r = 8, p = 1. */
    scryptLog2N: number;
    /** Failed logins allowed per account, and per client IP, within one window before AUTH_THROTTLED. */
    loginMaxFailuresPerAccount: number;
    loginMaxFailuresPerIp: number;
    /** Failed logins per account from all IPs within one window before AUTH_ACCOUNT_THROTTLED for
     * clients without a device proof of that account; 0 disables. */
    loginMaxFailuresPerAccountAllIps: number;
    /** How long a successful login on a browser proves itself there (the device cookie). */
    loginDeviceTtlSec: number;
    loginThrottleWindowSec: number;
    /** Lifetime of a staff-issued password-reset code. */
    resetCodeTtlSec: number;
  };
  sales: {
    maxPinned: number;
    manualReservationMs: number;
    webhookReservationMs: number;
    /** undefined → the webhook provider is not offered */
    webhookSecret: string | undefined;
    checkoutBaseUrl: string;
    /** 'auto': Redis Lua with REDIS_URL, else in-process; 'off' only for measuring what the gate saves. */
    stockGate: 'auto' | 'local' | 'redis' | 'off';
    refundRestocksLiveCard: boolean;
    /** Order placements per member per minute (HTTP and socket together, per node). */
    ordersPerMemberPerMin: number;
    idempotencyKeepMs: number;
    sweepPeriodMs: number;
    /** What /me shows members on an unpaid manual-payment order; undefined → a generic line. */
    manualPaymentInstructions: string | undefined;
  };
  /** Product photos (gateway/images/). */
  images: {
    /** Largest upload, bytes. */
    maxBytes: number;
    /** Largest width × height an upload may declare (decoded size guard). */
    maxPixels: number;
    /** Photos per product. */
    maxPerProduct: number;
  };
  /** Live recordings and their replays (media/recorder.ts, gateway/recording/). */
  recording: {
    /** Record every live on this node's media workers. */
    enabled: boolean;
    /** The ffmpeg program (Debian's package). */
    ffmpegPath: string;
    /** Days a recording and its replay are kept after the live ends; 0 keeps them. */
    retentionDays: number;
    /** Target length of one replay HLS segment, seconds. */
    hlsSegmentSec: number;
  };
  ledger: {
    /** Referral credit per referrer tier, basis points of the amount paid; unlisted tiers earn nothing. */
    referralRatesBps: Record<string, number>;
    /** Entries stay pending this long after payment. */
    refundWindowMs: number;
    /** Largest share of an order credit may pay, basis points; 0 disables redemption. */
    redeemMaxShareBps: number;
    sweepPeriodMs: number;
    /** Payout runs also pay members' available referral credit in cash. */
    payCreditInCash: boolean;
  };
  metrics: {
    /** A purchase paid within this many days after a device test is attributed to that test and event. */
    attributionWindowDays: number;
    /** Default look-back of the follow-up list (people tested, not bought). */
    followUpDays: number;
    /** A reading younger than this personalises live cards ("for your goal"). */
    recommendationMaxAgeDays: number;
  };
  /** Consultations with experts. */
  consultations: {
    /** Members change or cancel until this long before the start, ms; 0 disables. */
    cutoffMs: number;
    /** Bookings and slot lists reach this far ahead, ms. */
    horizonMs: number;
  };
  /** Budgets of /live clients (anonymous viewers included); see gateway/sockets/live/budgets.ts. */
  live: {
    /** Joins, impressions and clicks per socket: burst, then per minute; 0 per minute disables. */
    socketEventsBurst: number;
    socketEventsPerMin: number;
    /** The same events of all sockets from one IP: burst, then per minute; 0 per minute disables. */
    ipEventsBurst: number;
    ipEventsPerMin: number;
    /** Joins from one IP (each may mint a viewer id): burst, then per minute; 0 per minute disables. */
    ipJoinsBurst: number;
    ipJoinsPerMin: number;
    /** An impression or click counts once per viewer and card within this window; 0 disables. */
    cardEventWindowMs: number;
    /** Chat messages of one anonymous viewer id, and of one IP: burst, then per minute. */
    chatViewerBurst: number;
    chatViewerPerMin: number;
    chatIpBurst: number;
    chatIpPerMin: number;
  };
  people: {
    /** Membership tiers, lowest first; the first is given to new people. */
    tiers: string[];
    /** Country calling code (digits) added to phone numbers written without +/00; undefined → required. */
    defaultPhoneCountryCode: string | undefined;
  };
  /** Proving contacts with one-time codes, and how messages reach people (docs/accounts.md). */
  contacts: {
    /** smtp:// or smtps:// URL of the mail relay; undefined with no SMS provider → codes go to the log. */
    smtpUrl: string | undefined;
    smtpFrom: string;
    /** The SMS provider's endpoint (JSON POST, bearer key); undefined → SMS to the log. */
    smsProviderUrl: string | undefined;
    smsProviderKey: string | undefined;
    codeTtlSec: number;
    codeMaxTries: number;
    /** Codes asked for (registrations and resends) per contact, and per client IP, in one window. */
    codesPerContact: number;
    codesPerIp: number;
    /** Code checks per client IP in one window (correct ones given back). */
    checksPerIp: number;
    windowSec: number;
  };
  /** Queued messages: retries, provider rates, quiet hours, the WeChat official account (docs/messaging.md). */
  messaging: {
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /** Messages per second per provider; 0 disables the limit. */
    ratePerSecond: { email: number; sms: number; wechat: number };
    /** Local quiet hours, minutes after midnight; equal start and end turn them off. */
    quietStartMin: number;
    quietEndMin: number;
    batch: number;
    leaseMs: number;
    pollMs: number;
    /** Signs unsubscribe links; undefined → derived from the access-token key. */
    signingSecret: string | undefined;
    /** HMAC key of inbound SMS callbacks (TD/STOP); undefined → the inbound route refuses everything. */
    smsInboundSecret: string | undefined;
    /** WeChat official account: API origin, app id and secret, template id; no app id → no WeChat. */
    wechatApiUrl: string;
    wechatAppId: string | undefined;
    wechatAppSecret: string | undefined;
    wechatTemplateId: string | undefined;
  };
  /** The edge's quarantine of refused readings (edge/quarantine.ts). */
  quarantine: {
    /** Entries stored per device per clock minute; the excess is only counted. 0 disables the cap. */
    maxPerDevicePerMin: number;
    /** Total size of the quarantine files, bytes; the oldest go first. 0 disables. */
    maxBytes: number;
    /** Quarantine files older than this are deleted, ms. 0 disables. */
    maxAgeMs: number;
    /** Entries are written together (one fsync) once per this interval, ms. */
    flushMs: number;
  };
}

export const DEFAULTS = {
  /** HTTP and socket.io listen address. @default '0.0.0.0' (all interfaces, phones on the LAN can join) */
  HTTP_HOST: '0.0.0.0',
  /** HTTP and socket.io port. @default 3000; when taken, the next free port is used (with a warning) */
  HTTP_PORT: 3000,
  /** Embedded MQTT broker listen address. @default '0.0.0.0' */
  MQTT_HOST: '0.0.0.0',
  /** MQTT 3.1.1 over TCP. @default 1883; when taken (e.g. by Mosquitto) the next free port is used */
  MQTT_PORT: 1883,
  // MQTT connection limits (the standalone edge has the same settings with the same defaults in
  // edge/main.ts). Each is checked on the byte stream before the broker buffers anything.
  /** Largest CONNECT packet (remaining length) before authentication, bytes; 0 disables.
   * @default 2048 (2 KiB: client id, credentials and a will fit many times over) */
  MQTT_MAX_CONNECT_BYTES: 2048,
  /** Largest packet after CONNECT (remaining length), bytes; 0 disables. A reading payload between the
   * 1 KiB readings limit and this cap is still acknowledged and quarantined. @default 8192 (8 KiB) */
  MQTT_MAX_PACKET_BYTES: 8192,
  /** Time from accepting a connection to its successful CONNACK, ms; 0 disables. @default 5000 (5 s) */
  MQTT_CONNECT_TIMEOUT_MS: 5000,
  /** Connections accepted and not yet acknowledged at once; more are closed at accept; 0 disables.
   * @default 100 */
  MQTT_MAX_PENDING_CONNECTIONS: 100,
  /** New connections per remote address per second; 0 disables. @default 20 */
  MQTT_CONNECTS_PER_IP_PER_SEC: 20,
  /** Where the broker runs: 'child' (its own process, restarted when it dies, so no MQTT client can take
   * memory or time from HTTP, sockets and orders) or 'inline' (this process). @default 'child' */
  MQTT_BROKER_PROCESS: 'child' as PlatformConfig['mqtt']['process'],
  /** First restart delay after the broker child died, ms. @default 200 */
  MQTT_BROKER_RESTART_BASE_MS: 200,
  /** Longest restart delay (it doubles per death within 30 s of a start), ms. @default 10000 (10 s) */
  MQTT_BROKER_RESTART_MAX_MS: 10_000,
  /** mediasoup workers. @default one per CPU core; 0 disables media on this node */
  MEDIA_WORKERS: os.availableParallelism(),
  /** First WebRtcServer port (UDP+TCP); worker i uses base + i. @default 44400 */
  MEDIA_BASE_PORT: 44400,
  /** Address the media ports bind to. @default '127.0.0.1'; use 0.0.0.0 plus MEDIA_ANNOUNCED_ADDRESS to
   * serve other machines */
  MEDIA_LISTEN_IP: '127.0.0.1',
  /** Public IP or hostname in ICE candidates. @default unset (the listen IP is announced) */
  MEDIA_ANNOUNCED_ADDRESS: undefined as string | undefined,
  /** First port of the RTP range for PlainTransports (RTP ingest) and pipes. @default 45000 */
  MEDIA_RTC_MIN_PORT: 45000,
  /** Last port of that range. @default 45999 */
  MEDIA_RTC_MAX_PORT: 45999,
  /** mediasoup worker log level. @default 'warn' */
  MEDIA_LOG_LEVEL: 'warn' as PlatformConfig['media']['logLevel'],
  /** Consumers one router carries before new viewers fan out (pipeToRouter) to another worker.
   * @default 400 (about 40 % of a core with AEAD_AES_128_GCM SRTP, leaving room for bursts) */
  MEDIA_CONSUMER_BUDGET: 400,
  /** Base URL viewers open `/media` on when the SFU runs on other nodes (e.g. https://media.example.com).
   * @default unset: the node that served the page */
  MEDIA_PUBLIC_URL: undefined as string | undefined,
  /** Least time between two keyframe requests sent to the host's encoder, and up each pipe between
   * media nodes, per simulcast layer: a join burst of hundreds of viewers asks the encoder about once.
   * 0 disables. @default 1000 (1 s) */
  MEDIA_KEYFRAME_REQUEST_DELAY_MS: 1000,
  /** This media node's id in the directory (`npm run media`). @default unset: random at start */
  MEDIA_NODE_ID: undefined as string | undefined,
  /** Base URL clients open this media node's /media on (e.g. https://media-1.example.com).
   * @default unset: http://MEDIA_LISTEN_IP:HTTP_PORT */
  MEDIA_NODE_URL: undefined as string | undefined,
  /** Region this media node declares; viewers are sent to a node of their region first. @default unset */
  MEDIA_NODE_REGION: undefined as string | undefined,
  /** Consumers this media node takes before the directory counts it as full.
   * @default 0: MEDIA_CONSUMER_BUDGET × MEDIA_WORKERS */
  MEDIA_NODE_CAPACITY: 0,
  /** How often a media node refreshes its directory entry and checks its pipes, ms. @default 2000 (2 s) */
  MEDIA_NODE_HEARTBEAT_MS: 2000,
  /** A media node whose entry was not refreshed for this long is dropped from the directory (its
   * viewers re-ask the gateway; edges drop their pipes from it), ms. @default 6000 (6 s) */
  MEDIA_NODE_TIMEOUT_MS: 6000,
  /** How long an edge node keeps its pipe from the origin after its last viewer left, ms.
   * @default 30000 (30 s) */
  MEDIA_PIPE_GRACE_MS: 30_000,
  /** How long a media node waits for the core's answer (who hosts a session, a person's roles), ms.
   * @default 3000 (3 s) */
  MEDIA_CORE_TIMEOUT_MS: 3000,
  /** SQLite file, edge journal and other local state. @default './data' */
  DATA_DIR: './data',
  /** Enables multi-node mode (event dispatch, stock gate, socket.io adapter, broker). @default unset */
  REDIS_URL: undefined as string | undefined,
  /** postgres://… switches the store from SQLite to PostgreSQL. @default unset (SQLite) */
  DATABASE_URL: undefined as string | undefined,
  /** PostgreSQL connections per node for requests. Orders arriving together share one statement, so
   * a few per core of the database host are enough; more only queue inside PostgreSQL. @default 10 */
  DATABASE_POOL_SIZE: 10,
  /** pino level. @default 'info' */
  LOG_LEVEL: 'info' as PlatformConfig['logLevel'],
  /** Grace period for a clean shutdown on SIGINT/SIGTERM, ms. @default 10000 (10 s) */
  SHUTDOWN_TIMEOUT_MS: 10_000,
  /** Access-token signing key (≥ 32 characters), shared by every gateway node in multi-node mode.
   * @default unset: a random key is generated on first start and kept in DATA_DIR/auth-secret */
  AUTH_SECRET: undefined as string | undefined,
  /** Access JWT lifetime, seconds. @default 900 (15 minutes) */
  ACCESS_TOKEN_TTL_SEC: 900,
  /** Refresh cookie lifetime, seconds (renewed by each rotation). @default 2592000 (30 days) */
  REFRESH_TOKEN_TTL_SEC: 2_592_000,
  /** Which peers may set X-Forwarded-For/-Proto: `false`; a hop count (`1`: the one load balancer in
   * front, whose appended entry is the client; `true` means 1); or a comma list of the proxies' IPs/CIDRs
   * (e.g. `10.0.0.0/8,127.0.0.1`) and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`. A client's
   * own X-Forwarded-For entries are never believed. @default 'false' */
  HTTP_TRUST_PROXY: 'false' as string,
  /** scrypt cost of new password hashes as log2(N), r = 8, p = 1 (memory = 2^N × 1 KiB).
   * @default 15 (32 MiB, about 90 ms on one core); old hashes keep their own parameters and are
   * upgraded at the next successful login */
  PASSWORD_SCRYPT_LOG2_N: 15,
  /** Failed logins per account (email or phone) within the window. @default 5 */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
  /** Failed logins per client IP within the window; high because a whole venue may share one IP.
   * @default 50 */
  LOGIN_MAX_FAILURES_PER_IP: 50,
  /** Failed logins per account from all client IPs together within the window, so a guess spread over
   * many addresses is bounded too. Beyond it, only a browser that logged in to that account before
   * (LOGIN_DEVICE_TTL_SEC) may still try; others get AUTH_ACCOUNT_THROTTLED until the window ends or a
   * staff reset code is used. 0 disables. @default 20 */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_IPS: 20,
  /** How long a successful login (or registration, refresh, password reset) proves itself on that
   * browser through a signed, HttpOnly device cookie, seconds. @default 2592000 (30 days) */
  LOGIN_DEVICE_TTL_SEC: 2_592_000,
  /** Login throttle window. @default 900 (15 minutes) */
  LOGIN_THROTTLE_WINDOW_SEC: 900,
  /** Lifetime of a staff-issued password-reset code. @default 900 (15 minutes) */
  PASSWORD_RESET_TTL_SEC: 900,
  // Contact proof and messages (docs/accounts.md)
  /** Mail relay for codes and notices, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for TLS).
   * @default unset: with SMS_PROVIDER_URL also unset, codes are logged at warn (development only) */
  SMTP_URL: undefined as string | undefined,
  /** From address of those e-mails. @default 'Vitalive <no-reply@vitalive.invalid>' */
  SMTP_FROM: 'Vitalive <no-reply@vitalive.invalid>',
  /** SMS provider endpoint: POST {"to": "+86…", "text": "…"} with Authorization: Bearer SMS_PROVIDER_KEY,
   * any 2xx is accepted. @default unset: SMS are logged at warn (development only) */
  SMS_PROVIDER_URL: undefined as string | undefined,
  /** Bearer key for SMS_PROVIDER_URL. @default unset */
  SMS_PROVIDER_KEY: undefined as string | undefined,
  /** Attempts a queued message gets before it is marked failed. @default 5 */
  MESSAGE_MAX_ATTEMPTS: 5,
  /** Wait after a message's first failed attempt, doubled each time (with jitter). @default 30000 (30 s) */
  MESSAGE_RETRY_BASE_MS: 30_000,
  /** Longest wait between two attempts. @default 3600000 (1 hour) */
  MESSAGE_RETRY_MAX_MS: 3_600_000,
  /** E-mails per second this node hands to the SMTP relay; 0 disables the limit. @default 20 */
  MESSAGE_RATE_EMAIL_PER_SEC: 20,
  /** SMS per second this node hands to the provider; 0 disables the limit. @default 10 */
  MESSAGE_RATE_SMS_PER_SEC: 10,
  /** WeChat template messages per second this node sends; 0 disables the limit. @default 50 */
  MESSAGE_RATE_WECHAT_PER_SEC: 50,
  /** Quiet hours in the person's zone (HH:MM-HH:MM); promotional messages wait them out. @default '22:00-08:00' */
  MESSAGE_QUIET_HOURS: '22:00-08:00',
  /** Messages one worker claim takes. @default 50 */
  MESSAGE_BATCH: 50,
  /** How long a claim holds before another node may send the message. @default 300000 (5 minutes) */
  MESSAGE_LEASE_MS: 300_000,
  /** How often the worker and the scheduler look for due work. @default 1000 (1 s) */
  MESSAGE_POLL_MS: 1_000,
  /** Key that signs unsubscribe links (at least 32 characters). @default unset: derived from the access-token key */
  MESSAGE_SIGNING_SECRET: undefined as string | undefined,
  /** HMAC key the SMS provider signs inbound replies (TD/STOP) with. @default unset: inbound SMS refused */
  SMS_INBOUND_SECRET: undefined as string | undefined,
  /** WeChat API origin (cgi-bin/token, message/template/send, sns/oauth2). @default 'https://api.weixin.qq.com' */
  WECHAT_API_URL: 'https://api.weixin.qq.com',
  /** The official account's AppID. @default unset: no WeChat channel */
  WECHAT_APP_ID: undefined as string | undefined,
  /** The official account's AppSecret. @default unset */
  WECHAT_APP_SECRET: undefined as string | undefined,
  /** The template message id every kind is sent with. @default unset */
  WECHAT_TEMPLATE_ID: undefined as string | undefined,
  /** Lifetime of a one-time contact code. @default 600 (10 minutes) */
  CONTACT_CODE_TTL_SEC: 600,
  /** Wrong guesses one code survives. @default 5 */
  CONTACT_CODE_MAX_TRIES: 5,
  /** Codes asked for (registrations included) per contact per window; 0 disables. @default 5 */
  CONTACT_CODES_PER_CONTACT: 5,
  /** Codes asked for (registrations included) per client IP per window; high because a venue shares one
   * IP; 0 disables. Charged before any password is hashed. @default 50 */
  CONTACT_CODES_PER_IP: 50,
  /** Wrong code checks per client IP per window; 0 disables. @default 50 */
  CONTACT_CODE_CHECKS_PER_IP: 50,
  /** Window of the three budgets above. @default 3600 (1 hour) */
  CONTACT_CODE_WINDOW_SEC: 3600,
  /** Membership tiers, comma-separated, lowest first; new people get the first. @default 'basic,silver,gold' */
  PERSON_TIERS: 'basic,silver,gold',
  /** Calling code (digits, e.g. 86) for phone numbers entered without + or 00.
   * @default unset: numbers must be written in international form */
  PHONE_DEFAULT_COUNTRY_CODE: undefined as string | undefined,
  /** Cards pinned at once in one live session. @default 3 */
  SALES_MAX_PINNED: 3,
  /** How long an unpaid manual-payment order (bank transfer, pay at the clinic) holds its stock.
   * @default 172800000 (48 h) */
  ORDER_MANUAL_RESERVATION_MS: 172_800_000,
  /** How long an unpaid order paid through the webhook provider holds its stock. @default 900000 (15 min) */
  ORDER_WEBHOOK_RESERVATION_MS: 900_000,
  /** HMAC key the payment provider signs callbacks with. @default unset (webhook payments off) */
  PAYMENT_WEBHOOK_SECRET: undefined as string | undefined,
  /** The provider's hosted checkout; orders link to <url>/pay/<orderId>. @default 'http://127.0.0.1:4000' */
  PAYMENT_CHECKOUT_URL: 'http://127.0.0.1:4000',
  /** Hot-path stock gate: auto (Redis Lua when REDIS_URL is set, else in-process), local, redis, off.
   * @default 'auto' */
  STOCK_GATE: 'auto' as PlatformConfig['sales']['stockGate'],
  /** A refund puts units back on the card while its session is live. @default true */
  REFUND_RESTOCKS_LIVE_CARD: true,
  /** Order placements per member per minute (not per IP: a venue shares one). @default 30 */
  ORDERS_PER_MEMBER_PER_MIN: 30,
  /** Idempotency keys are kept at least this long. @default 86400000 (24 h) */
  IDEMPOTENCY_KEEP_MS: 86_400_000,
  /** Reservation and countdown expiry sweep period. @default 1000 */
  SALES_SWEEP_PERIOD_MS: 1000,
  /** What members see on an unpaid manual-payment order under "how to pay" (bank details, the clinic's
   * counter hours), one text for the brand, at most 1000 characters. @default unset: a generic line
   * asking them to pay at the clinic or by transfer as staff tell them */
  PAYMENT_MANUAL_INSTRUCTIONS: undefined as string | undefined,
  /** Largest product photo upload, bytes. @default 10485760 (10 MiB) */
  IMAGE_MAX_BYTES: 10_485_760,
  /** Largest width × height a product photo may declare; checked from the header before decoding, so a
   * small file that would decode to gigabytes (a decompression bomb) is refused. @default 40000000 (40 MP) */
  IMAGE_MAX_PIXELS: 40_000_000,
  /** Photos one product may have. @default 8 */
  PRODUCT_IMAGES_MAX: 8,
  /** Record each live (host audio + top video layer, stored by stream copy in DATA_DIR/recordings) and
   * turn it into a replay after the end. Needs ffmpeg. @default true */
  RECORDING_ENABLED: true,
  /** The ffmpeg program that records and transcodes. @default 'ffmpeg' (found on PATH) */
  FFMPEG_PATH: 'ffmpeg',
  /** Days a recording and its replay are kept after the live ends; 0 keeps them until staff delete them.
   * @default 30 */
  RECORDING_RETENTION_DAYS: 30,
  /** Target length of one replay HLS segment, seconds (players fetch one segment at a time). @default 4 */
  REPLAY_HLS_SEGMENT_SEC: 4,
  /** Referral credit per tier of the referrer, `tier:bps` pairs (1 bp = 0.01 % of the amount paid);
   * tiers not listed earn nothing. @default 'basic:300,silver:500,gold:800' (3 %, 5 %, 8 %) */
  LEDGER_REFERRAL_RATES_BPS: 'basic:300,silver:500,gold:800',
  /** Credit and commission stay pending this long after payment (a refund inside it voids them).
   * @default 604800000 (7 days) */
  LEDGER_REFUND_WINDOW_MS: 604_800_000,
  /** Largest share of an order's total that credit may pay, in basis points; 0 disables redemption.
   * @default 5000 (half the order) */
  LEDGER_REDEEM_MAX_SHARE_BPS: 5000,
  /** How often pending entries past the refund window are made available. @default 60000 (1 minute) */
  LEDGER_SWEEP_PERIOD_MS: 60_000,
  /** Payout runs pay members' available referral credit in cash too (freezing it). @default false
   * (credit stays spendable credit; runs pay channels' commission only) */
  LEDGER_PAY_CREDIT_IN_CASH: false,
  /** Days after a device test within which a paid order is attributed to that test and its event.
   * @default 7 */
  ATTRIBUTION_WINDOW_DAYS: 7,
  /** Default look-back of GET /api/metrics/follow-ups (tested, not bought). @default 14 */
  FOLLOW_UP_DAYS: 14,
  /** A member may cancel or move their consultation until this many minutes before it starts; staff
   * and the expert may change it later. 0 disables the cut-off. @default 720 (12 hours) */
  CONSULTATION_CUTOFF_MIN: 720,
  /** How far ahead consultations may be booked and slots listed, days. @default 60 */
  CONSULTATION_HORIZON_DAYS: 60,
  /** A reading at most this old flags matching live cards for the person (with consent). @default 30 */
  RECOMMENDATION_MAX_AGE_DAYS: 30,
  /** The platform's public origin as members reach it (e.g. https://shop.example.com), no path. When it
   * is https the refresh cookie is always Secure, whatever the socket or a proxy says. @default unset */
  PUBLIC_URL: undefined as string | undefined,
  /** Bearer token (at least 24 characters) that unlocks /metrics and the details of /healthz on the public
   * HTTP port. @default unset: /metrics is not served there and /healthz answers a bare status */
  METRICS_TOKEN: undefined as string | undefined,
  /** Listen address of the monitoring port. @default '127.0.0.1' (loopback only) */
  METRICS_HOST: '127.0.0.1',
  /** Separate port serving /metrics and full /healthz without a token (for a local Prometheus agent);
   * 0 picks a free port. @default unset (no monitoring port) */
  METRICS_PORT: undefined as number | undefined,
  /** Refused readings kept per device per minute; beyond it they are counted
   * (vitalive_edge_quarantine_dropped) but not stored. 0 disables the cap. @default 60 */
  QUARANTINE_MAX_PER_DEVICE_PER_MIN: 60,
  /** Disk the quarantine may use, bytes; the oldest entries are deleted first. 0 disables.
   * @default 67108864 (64 MiB) */
  QUARANTINE_MAX_BYTES: 67_108_864,
  /** Quarantined readings older than this are deleted, ms. 0 disables. @default 2592000000 (30 days) */
  QUARANTINE_MAX_AGE_MS: 2_592_000_000,
  /** Quarantine entries are written together, with one fsync, once per this interval, ms. @default 100 */
  QUARANTINE_FLUSH_MS: 100,
  /** /live joins, impressions and clicks one socket may send at once. @default 20 events */
  LIVE_SOCKET_EVENTS_BURST: 20,
  /** …and then per minute. @default 300 (5 a second); 0 disables the per-socket budget */
  LIVE_SOCKET_EVENTS_PER_MIN: 300,
  /** The same events of all sockets from one client IP at once (a venue may share one IP).
   * @default 400 events */
  LIVE_IP_EVENTS_BURST: 400,
  /** …and then per minute. @default 6000 (100 a second); 0 disables the per-IP budget */
  LIVE_IP_EVENTS_PER_MIN: 6000,
  /** /live joins from one client IP at once; each may mint a viewer id. @default 60 joins */
  LIVE_IP_JOINS_BURST: 60,
  /** …and then per minute. @default 120 (2 a second); 0 disables the join budget */
  LIVE_IP_JOINS_PER_MIN: 120,
  /** An impression or a click counts once per viewer and card within this window.
   * @default 60000 (1 minute); 0 disables (every one counts) */
  LIVE_CARD_EVENT_WINDOW_MS: 60_000,
  /** Chat messages one anonymous viewer id may send at once. @default 5 messages */
  CHAT_VIEWER_BURST: 5,
  /** …and then per minute. @default 30 */
  CHAT_VIEWER_PER_MIN: 30,
  /** Chat messages from one client IP (every viewer and member behind it) at once. @default 40 */
  CHAT_IP_BURST: 40,
  /** …and then per minute. @default 600 (10 a second) */
  CHAT_IP_PER_MIN: 600,
};

type Env = Record<string, string | undefined>;

function int(env: Env, key: keyof typeof DEFAULTS, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return DEFAULTS[key] as number;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new VitaliveError('CONFIG_INVALID', { key, reason: `expected an integer in ${min}..${max}` });
  }
  return value;
}

function port(env: Env, key: keyof typeof DEFAULTS): PortSetting {
  const explicit = env[key] !== undefined && env[key] !== '';
  // Port 0 asks the OS for any free port (tests use it); it is always explicit.
  return { port: int(env, key, 0, 65535), explicit };
}

function oneOf<T extends string>(env: Env, key: keyof typeof DEFAULTS, allowed: readonly T[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return DEFAULTS[key] as T;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new VitaliveError('CONFIG_INVALID', { key, reason: `expected one of ${allowed.join(', ')}` });
  }
  return raw as T;
}

function manualInstructions(env: Env): string | undefined {
  const text = str(env, 'PAYMENT_MANUAL_INSTRUCTIONS')?.trim();
  if (text && text.length > 1000)
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'PAYMENT_MANUAL_INSTRUCTIONS',
      reason: 'at most 1000 characters',
    });
  return text || undefined;
}

function str(env: Env, key: keyof typeof DEFAULTS): string | undefined {
  const raw = env[key];
  return raw === undefined || raw === '' ? (DEFAULTS[key] as string | undefined) : raw;
}

function url(
  env: Env,
  key:
    | 'REDIS_URL'
    | 'DATABASE_URL'
    | 'PAYMENT_CHECKOUT_URL'
    | 'MEDIA_PUBLIC_URL'
    | 'MEDIA_NODE_URL'
    | 'SMTP_URL'
    | 'SMS_PROVIDER_URL'
    | 'WECHAT_API_URL',
  protocols: string[],
): string | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new VitaliveError('CONFIG_INVALID', { key, reason: 'not a URL' });
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new VitaliveError('CONFIG_INVALID', { key, reason: `expected ${protocols.join(' or ')}` });
  }
  return raw;
}

function bool(env: Env, key: keyof typeof DEFAULTS): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return DEFAULTS[key] as boolean;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new VitaliveError('CONFIG_INVALID', { key, reason: 'expected true or false' });
}

function tiers(env: Env): string[] {
  const list = str(env, 'PERSON_TIERS')!
    .split(',')
    .map((t) => t.trim());
  const valid = /^[a-z][a-z0-9_-]{0,31}$/;
  if (list.length === 0 || list.some((t) => !valid.test(t)) || new Set(list).size !== list.length) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'PERSON_TIERS',
      reason: 'expected distinct lower-case names separated by commas',
    });
  }
  return list;
}

/**
 * `tier:bps` pairs, each rate 0..10000 basis points. A tier set explicitly must be one of PERSON_TIERS;
 * the defaults keep only the tiers that exist (custom PERSON_TIERS then earn nothing until rated).
 */
function referralRates(env: Env, known: string[]): Record<string, number> {
  const key = 'LEDGER_REFERRAL_RATES_BPS';
  const explicit = env[key] !== undefined && env[key] !== '';
  const out: Record<string, number> = {};
  for (const pair of str(env, key)!.split(',')) {
    if (pair.trim() === '') continue;
    const m = /^\s*([a-z][a-z0-9_-]{0,31})\s*:\s*(\d{1,5})\s*$/.exec(pair);
    const bps = m ? Number(m[2]) : Number.NaN;
    if (!m || bps > 10_000 || Object.hasOwn(out, m[1]!)) {
      throw new VitaliveError('CONFIG_INVALID', {
        key,
        reason: 'expected distinct tier:bps pairs, bps 0..10000',
      });
    }
    if (!known.includes(m[1]!)) {
      if (!explicit) continue;
      throw new VitaliveError('CONFIG_INVALID', { key, reason: `tier ${m[1]} is not in PERSON_TIERS` });
    }
    out[m[1]!] = bps;
  }
  return out;
}

function countryCode(env: Env): string | undefined {
  const raw = str(env, 'PHONE_DEFAULT_COUNTRY_CODE');
  if (raw !== undefined && !/^[1-9][0-9]{0,2}$/.test(raw)) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'PHONE_DEFAULT_COUNTRY_CODE',
      reason: 'expected 1-3 digits without +',
    });
  }
  return raw;
}

function authSecret(env: Env): string | undefined {
  const raw = str(env, 'AUTH_SECRET');
  if (raw !== undefined && raw.length < 32) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'AUTH_SECRET',
      reason: 'must be at least 32 characters',
    });
  }
  return raw;
}

function mediaNode(env: Env): PlatformConfig['media']['node'] {
  const id = str(env, 'MEDIA_NODE_ID');
  if (id !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'MEDIA_NODE_ID',
      reason: 'letters, digits and _.:- only',
    });
  }
  const region = str(env, 'MEDIA_NODE_REGION');
  if (region !== undefined && !/^[A-Za-z0-9_.-]{1,32}$/.test(region)) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'MEDIA_NODE_REGION',
      reason: 'letters, digits and _.- only',
    });
  }
  const heartbeatMs = int(env, 'MEDIA_NODE_HEARTBEAT_MS', 50, 60_000);
  const timeoutMs = int(env, 'MEDIA_NODE_TIMEOUT_MS', 100, 600_000);
  if (timeoutMs <= heartbeatMs) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'MEDIA_NODE_TIMEOUT_MS',
      reason: 'must exceed MEDIA_NODE_HEARTBEAT_MS',
    });
  }
  return {
    id,
    url: url(env, 'MEDIA_NODE_URL', ['http:', 'https:']),
    region,
    capacity: int(env, 'MEDIA_NODE_CAPACITY', 0, 10_000_000),
    heartbeatMs,
    timeoutMs,
    pipeGraceMs: int(env, 'MEDIA_PIPE_GRACE_MS', 0, 3_600_000),
    coreTimeoutMs: int(env, 'MEDIA_CORE_TIMEOUT_MS', 100, 60_000),
  };
}

export function loadConfig(env: Env): PlatformConfig {
  const rtcMinPort = int(env, 'MEDIA_RTC_MIN_PORT', 1024, 65535);
  const rtcMaxPort = int(env, 'MEDIA_RTC_MAX_PORT', 1024, 65535);
  if (rtcMaxPort < rtcMinPort) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'MEDIA_RTC_MAX_PORT',
      reason: 'below MEDIA_RTC_MIN_PORT',
    });
  }
  return {
    http: {
      host: str(env, 'HTTP_HOST')!,
      port: port(env, 'HTTP_PORT'),
      trustProxy: trustProxy(env),
    },
    publicUrl: publicUrl(env),
    monitoring: monitoring(env),
    mqtt: {
      host: str(env, 'MQTT_HOST')!,
      port: port(env, 'MQTT_PORT'),
      limits: {
        maxConnectBytes: int(env, 'MQTT_MAX_CONNECT_BYTES', 0, 268_435_455),
        maxPacketBytes: int(env, 'MQTT_MAX_PACKET_BYTES', 0, 268_435_455),
        connectTimeoutMs: int(env, 'MQTT_CONNECT_TIMEOUT_MS', 0, 600_000),
        maxPendingConnections: int(env, 'MQTT_MAX_PENDING_CONNECTIONS', 0, 1_000_000),
        connectsPerIpPerSec: int(env, 'MQTT_CONNECTS_PER_IP_PER_SEC', 0, 1_000_000),
      },
      process: oneOf(env, 'MQTT_BROKER_PROCESS', ['child', 'inline'] as const),
      restartBaseMs: int(env, 'MQTT_BROKER_RESTART_BASE_MS', 10, 600_000),
      restartMaxMs: int(env, 'MQTT_BROKER_RESTART_MAX_MS', 10, 3_600_000),
    },
    media: {
      workers: int(env, 'MEDIA_WORKERS', 0, 256),
      basePort: port(env, 'MEDIA_BASE_PORT'),
      listenIp: str(env, 'MEDIA_LISTEN_IP')!,
      announcedAddress: str(env, 'MEDIA_ANNOUNCED_ADDRESS'),
      rtcMinPort,
      rtcMaxPort,
      logLevel: oneOf(env, 'MEDIA_LOG_LEVEL', ['debug', 'warn', 'error', 'none']),
      consumerBudget: int(env, 'MEDIA_CONSUMER_BUDGET', 1, 100_000),
      publicUrl: url(env, 'MEDIA_PUBLIC_URL', ['http:', 'https:']),
      keyFrameRequestDelayMs: int(env, 'MEDIA_KEYFRAME_REQUEST_DELAY_MS', 0, 60_000),
      node: mediaNode(env),
    },
    dataDir: path.resolve(str(env, 'DATA_DIR')!),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 2, 500),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 100, 600_000),
    auth: {
      secret: authSecret(env),
      accessTtlSec: int(env, 'ACCESS_TOKEN_TTL_SEC', 30, 86_400),
      refreshTtlSec: int(env, 'REFRESH_TOKEN_TTL_SEC', 60, 31_536_000),
      scryptLog2N: int(env, 'PASSWORD_SCRYPT_LOG2_N', 14, 20),
      loginMaxFailuresPerAccount: int(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 1, 1000),
      loginMaxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 1, 100_000),
      loginMaxFailuresPerAccountAllIps: int(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_IPS', 0, 1_000_000),
      loginDeviceTtlSec: int(env, 'LOGIN_DEVICE_TTL_SEC', 60, 31_536_000),
      loginThrottleWindowSec: int(env, 'LOGIN_THROTTLE_WINDOW_SEC', 1, 86_400),
      resetCodeTtlSec: int(env, 'PASSWORD_RESET_TTL_SEC', 60, 604_800),
    },
    people: { tiers: tiers(env), defaultPhoneCountryCode: countryCode(env) },
    contacts: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      smtpFrom: str(env, 'SMTP_FROM')!,
      smsProviderUrl: url(env, 'SMS_PROVIDER_URL', ['http:', 'https:']),
      smsProviderKey: str(env, 'SMS_PROVIDER_KEY'),
      codeTtlSec: int(env, 'CONTACT_CODE_TTL_SEC', 60, 86_400),
      codeMaxTries: int(env, 'CONTACT_CODE_MAX_TRIES', 1, 20),
      codesPerContact: int(env, 'CONTACT_CODES_PER_CONTACT', 0, 1000),
      codesPerIp: int(env, 'CONTACT_CODES_PER_IP', 0, 1_000_000),
      checksPerIp: int(env, 'CONTACT_CODE_CHECKS_PER_IP', 0, 1_000_000),
      windowSec: int(env, 'CONTACT_CODE_WINDOW_SEC', 1, 86_400),
    },
    messaging: messaging(env),
    live: {
      socketEventsBurst: int(env, 'LIVE_SOCKET_EVENTS_BURST', 1, 100_000),
      socketEventsPerMin: int(env, 'LIVE_SOCKET_EVENTS_PER_MIN', 0, 6_000_000),
      ipEventsBurst: int(env, 'LIVE_IP_EVENTS_BURST', 1, 10_000_000),
      ipEventsPerMin: int(env, 'LIVE_IP_EVENTS_PER_MIN', 0, 600_000_000),
      ipJoinsBurst: int(env, 'LIVE_IP_JOINS_BURST', 1, 10_000_000),
      ipJoinsPerMin: int(env, 'LIVE_IP_JOINS_PER_MIN', 0, 600_000_000),
      cardEventWindowMs: int(env, 'LIVE_CARD_EVENT_WINDOW_MS', 0, 86_400_000),
      chatViewerBurst: int(env, 'CHAT_VIEWER_BURST', 1, 10_000),
      chatViewerPerMin: int(env, 'CHAT_VIEWER_PER_MIN', 1, 600_000),
      chatIpBurst: int(env, 'CHAT_IP_BURST', 1, 1_000_000),
      chatIpPerMin: int(env, 'CHAT_IP_PER_MIN', 1, 60_000_000),
    },
    ledger: {
      referralRatesBps: referralRates(env, tiers(env)),
      refundWindowMs: int(env, 'LEDGER_REFUND_WINDOW_MS', 0, 365 * 86_400_000),
      // Below 10000, so every order still pays something in money.
      redeemMaxShareBps: int(env, 'LEDGER_REDEEM_MAX_SHARE_BPS', 0, 9999),
      sweepPeriodMs: int(env, 'LEDGER_SWEEP_PERIOD_MS', 100, 3_600_000),
      payCreditInCash: bool(env, 'LEDGER_PAY_CREDIT_IN_CASH'),
    },
    metrics: {
      attributionWindowDays: int(env, 'ATTRIBUTION_WINDOW_DAYS', 0, 365),
      followUpDays: int(env, 'FOLLOW_UP_DAYS', 1, 365),
      recommendationMaxAgeDays: int(env, 'RECOMMENDATION_MAX_AGE_DAYS', 1, 365),
    },
    consultations: {
      cutoffMs: int(env, 'CONSULTATION_CUTOFF_MIN', 0, 30 * 24 * 60) * 60_000,
      horizonMs: int(env, 'CONSULTATION_HORIZON_DAYS', 1, 366) * 86_400_000,
    },
    quarantine: {
      maxPerDevicePerMin: int(env, 'QUARANTINE_MAX_PER_DEVICE_PER_MIN', 0, 1_000_000),
      maxBytes: int(env, 'QUARANTINE_MAX_BYTES', 0, 2 ** 40),
      maxAgeMs: int(env, 'QUARANTINE_MAX_AGE_MS', 0, 3650 * 86_400_000),
      flushMs: int(env, 'QUARANTINE_FLUSH_MS', 1, 60_000),
    },
    sales: {
      maxPinned: int(env, 'SALES_MAX_PINNED', 1, 20),
      manualReservationMs: int(env, 'ORDER_MANUAL_RESERVATION_MS', 1000, 30 * 86_400_000),
      webhookReservationMs: int(env, 'ORDER_WEBHOOK_RESERVATION_MS', 1000, 7 * 86_400_000),
      webhookSecret: webhookSecret(env),
      checkoutBaseUrl: url(env, 'PAYMENT_CHECKOUT_URL', ['http:', 'https:']) ?? DEFAULTS.PAYMENT_CHECKOUT_URL,
      stockGate: oneOf(env, 'STOCK_GATE', ['auto', 'local', 'redis', 'off'] as const),
      refundRestocksLiveCard: bool(env, 'REFUND_RESTOCKS_LIVE_CARD'),
      ordersPerMemberPerMin: int(env, 'ORDERS_PER_MEMBER_PER_MIN', 1, 100_000),
      idempotencyKeepMs: int(env, 'IDEMPOTENCY_KEEP_MS', 86_400_000, 30 * 86_400_000),
      sweepPeriodMs: int(env, 'SALES_SWEEP_PERIOD_MS', 100, 600_000),
      manualPaymentInstructions: manualInstructions(env),
    },
    images: {
      maxBytes: int(env, 'IMAGE_MAX_BYTES', 1024, 100 * 1_048_576),
      maxPixels: int(env, 'IMAGE_MAX_PIXELS', 10_000, 268_402_689),
      maxPerProduct: int(env, 'PRODUCT_IMAGES_MAX', 1, 50),
    },
    recording: {
      enabled: bool(env, 'RECORDING_ENABLED'),
      ffmpegPath: str(env, 'FFMPEG_PATH')!,
      retentionDays: int(env, 'RECORDING_RETENTION_DAYS', 0, 36_500),
      hlsSegmentSec: int(env, 'REPLAY_HLS_SEGMENT_SEC', 1, 30),
    },
  };
}

function secretOf(
  env: Env,
  key: 'MESSAGE_SIGNING_SECRET' | 'SMS_INBOUND_SECRET',
  min: number,
): string | undefined {
  const value = str(env, key);
  if (value !== undefined && value.length < min)
    throw new VitaliveError('CONFIG_INVALID', { key, reason: `at least ${min} characters` });
  return value;
}

/** HH:MM-HH:MM as two minute-of-day values. */
function quietHours(env: Env): [number, number] {
  const raw = str(env, 'MESSAGE_QUIET_HOURS')!;
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(raw.trim());
  if (!m)
    throw new VitaliveError('CONFIG_INVALID', { key: 'MESSAGE_QUIET_HOURS', reason: 'expected HH:MM-HH:MM' });
  return [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
}

function messaging(env: Env): PlatformConfig['messaging'] {
  const [quietStartMin, quietEndMin] = quietHours(env);
  return {
    maxAttempts: int(env, 'MESSAGE_MAX_ATTEMPTS', 1, 100),
    retryBaseMs: int(env, 'MESSAGE_RETRY_BASE_MS', 100, 86_400_000),
    retryMaxMs: int(env, 'MESSAGE_RETRY_MAX_MS', 100, 7 * 86_400_000),
    ratePerSecond: {
      email: int(env, 'MESSAGE_RATE_EMAIL_PER_SEC', 0, 100_000),
      sms: int(env, 'MESSAGE_RATE_SMS_PER_SEC', 0, 100_000),
      wechat: int(env, 'MESSAGE_RATE_WECHAT_PER_SEC', 0, 100_000),
    },
    quietStartMin,
    quietEndMin,
    batch: int(env, 'MESSAGE_BATCH', 1, 10_000),
    leaseMs: int(env, 'MESSAGE_LEASE_MS', 1_000, 86_400_000),
    pollMs: int(env, 'MESSAGE_POLL_MS', 10, 3_600_000),
    signingSecret: secretOf(env, 'MESSAGE_SIGNING_SECRET', 32),
    smsInboundSecret: secretOf(env, 'SMS_INBOUND_SECRET', 16),
    wechatApiUrl: url(env, 'WECHAT_API_URL', ['http:', 'https:'])!,
    wechatAppId: str(env, 'WECHAT_APP_ID'),
    wechatAppSecret: str(env, 'WECHAT_APP_SECRET'),
    wechatTemplateId: str(env, 'WECHAT_TEMPLATE_ID'),
  };
}

function webhookSecret(env: Env): string | undefined {
  const value = str(env, 'PAYMENT_WEBHOOK_SECRET');
  if (value !== undefined && value.length < 16)
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'PAYMENT_WEBHOOK_SECRET',
      reason: 'at least 16 characters',
    });
  return value;
}

function trustProxy(env: Env): false | number | string[] {
  const key = 'HTTP_TRUST_PROXY';
  const raw = str(env, key)!.trim();
  if (raw === 'false' || raw === '0') return false;
  if (raw === 'true') return 1;
  if (/^[0-9]{1,2}$/.test(raw)) return Number(raw);
  const names = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const list = raw.split(',').map((a) => a.trim());
  const valid = (entry: string) => {
    if (names.has(entry)) return true;
    const [address, bits, extra] = entry.split('/');
    const family = net.isIP(address ?? '');
    if (family === 0 || extra !== undefined) return false;
    if (bits === undefined) return true;
    return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  if (list.length === 0 || !list.every(valid)) {
    throw new VitaliveError('CONFIG_INVALID', {
      key,
      reason: 'expected false, a hop count, or a comma list of IP addresses/CIDRs',
    });
  }
  return list;
}

function publicUrl(env: Env): string | undefined {
  const raw = str(env, 'PUBLIC_URL');
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== raw.replace(/\/$/, '')) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'PUBLIC_URL',
      reason: 'expected an http(s) origin such as https://shop.example.com',
    });
  }
  return parsed.origin;
}

function monitoring(env: Env): PlatformConfig['monitoring'] {
  const token = str(env, 'METRICS_TOKEN');
  if (token !== undefined && (token.length < 24 || /\s/.test(token))) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'METRICS_TOKEN',
      reason: 'at least 24 characters, no spaces',
    });
  }
  const portSet = env.METRICS_PORT !== undefined && env.METRICS_PORT !== '';
  return {
    token,
    host: str(env, 'METRICS_HOST')!,
    port: portSet ? port(env, 'METRICS_PORT') : undefined,
  };
}
