// The embedded MQTT 3.1.1 broker (aedes) on a TCP listener. Device auth, ACL and the readings path hook in
// through the options; close() is idempotent and waits for clients and the listener to go away.
import net from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { MqttAdmission, MqttGuard, type MqttLimits, type MqttRefusal } from './mqtt-guard.ts';

export interface EdgeBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Passed to aedes as is: authenticate, authorizePublish, authorizeSubscribe, mq, persistence… */
  aedes?: AedesOptions;
  /**
   * Topics no client can ever subscribe to (the ACL refuses it): publishes on them skip aedes' routing
   * (subscription matching for online and offline clients), which would only ever find nobody.
   */
  unrouted?: (topic: string) => boolean;
  /** Packet sizes, connect timeout and admission, enforced before aedes reads a byte; omitted → none. */
  limits?: MqttLimits;
}

/** The two aedes collaborators whose topic matching is skipped for unrouted topics. */
type Routing = {
  mq: { emit(packet: { topic: string }, cb?: (err?: Error) => void): unknown };
  persistence: { subscriptionsByTopic(topic: string): Promise<unknown[]> };
};

function skipRouting(aedes: Aedes, unrouted: (topic: string) => boolean): void {
  const { mq, persistence } = aedes as unknown as Routing;
  const emit = mq.emit.bind(mq);
  mq.emit = (packet, cb) => {
    if (!unrouted(packet.topic)) return emit(packet, cb);
    cb?.();
    return mq;
  };
  const byTopic = persistence.subscriptionsByTopic.bind(persistence);
  persistence.subscriptionsByTopic = (topic) => (unrouted(topic) ? Promise.resolve([]) : byTopic(topic));
}

export type EdgeBrokerHealth = {
  state: 'ok' | 'starting' | 'closed';
  host: string;
  port: number;
  clients: number;
  /** Connections accepted and not yet acknowledged. */
  pending: number;
  /** Connections the limits closed, by reason. */
  refused: Record<MqttRefusal, number>;
};

const NO_LIMITS: MqttLimits = {
  maxConnectBytes: 0,
  maxPacketBytes: 0,
  connectTimeoutMs: 0,
  maxPendingConnections: 0,
  connectsPerIpPerSec: 0,
};

/** A refusal is logged at most once a minute per reason, with how many were left out. */
const REFUSAL_LOG_EVERY_MS = 60_000;

export class EdgeBroker {
  readonly #opts: EdgeBrokerOptions;
  #aedes: Aedes | undefined;
  #server: net.Server | undefined;
  #port: number;
  #closing: Promise<void> | undefined;
  readonly #limits: MqttLimits;
  readonly #admission: MqttAdmission;
  readonly #refused: Record<MqttRefusal, number> = {
    MQTT_PACKET_TOO_LARGE: 0,
    MQTT_CONNECT_TIMEOUT: 0,
    MQTT_PENDING_LIMIT: 0,
    MQTT_CONNECT_RATE_LIMITED: 0,
    MQTT_QOS_UNSUPPORTED: 0,
    MQTT_PROTOCOL_VIOLATION: 0,
  };
  readonly #refusalLog = new Map<MqttRefusal, { at: number; unlogged: number }>();

  constructor(opts: EdgeBrokerOptions) {
    this.#opts = opts;
    this.#port = opts.port;
    this.#limits = opts.limits ?? NO_LIMITS;
    this.#admission = new MqttAdmission(this.#limits);
  }

  #refuse(code: MqttRefusal, address: string | undefined): void {
    this.#refused[code]++;
    const now = Date.now();
    const log = this.#refusalLog.get(code);
    if (log && now - log.at < REFUSAL_LOG_EVERY_MS) {
      log.unlogged++;
      return;
    }
    this.#refusalLog.set(code, { at: now, unlogged: 0 });
    this.#opts.logger.warn(
      { code, address, sinceLastLog: log?.unlogged ?? 0 },
      'mqtt connection refused by a limit',
    );
  }

  #accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    const refusal = this.#admission.admit(address);
    if (refusal) {
      this.#refuse(refusal, address);
      socket.destroy();
      return;
    }
    const guard = new MqttGuard(
      socket,
      this.#limits,
      (code) => this.#refuse(code, address),
      () => this.#admission.settled(),
    );
    this.aedes.handle(guard);
  }

  /** The aedes instance, for the readings pipeline and presence to subscribe to its events. */
  get aedes(): Aedes {
    if (!this.#aedes) throw new Error('broker not started');
    return this.#aedes;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    if (this.#aedes) throw new Error('broker already started');
    const { logger } = this.#opts;
    const aedes = await Aedes.createBroker(this.#opts.aedes);
    this.#aedes = aedes;
    if (this.#opts.unrouted) skipRouting(aedes, this.#opts.unrouted);
    aedes.on('clientError', (client, err) =>
      logger.debug({ client: client.id, err: err.message }, 'mqtt client error'),
    );
    aedes.on('connectionError', (_client, err) =>
      logger.debug({ err: err.message }, 'mqtt connection error'),
    );
    // A successful CONNACK ends a connection's pending state (and its connect timeout).
    aedes.on('connackSent', (packet, client) => {
      if ((packet as { returnCode?: number }).returnCode === 0 && client.conn instanceof MqttGuard)
        client.conn.acknowledged();
    });
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.#opts.host, port: this.#opts.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => logger.error({ err }, 'mqtt listener error'));
    this.#port = (server.address() as net.AddressInfo).port;
    logger.info({ host: this.#opts.host, port: this.#port }, 'mqtt broker listening');
  }

  health(): EdgeBrokerHealth {
    const state = this.#closing ? 'closed' : this.#server?.listening ? 'ok' : 'starting';
    return {
      state,
      host: this.#opts.host,
      port: this.#port,
      clients: this.#aedes?.connectedClients ?? 0,
      pending: this.#admission.pending,
      refused: { ...this.#refused },
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    const aedes = this.#aedes;
    const serverClosed = server?.listening
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    // aedes.close ends every client connection, which lets server.close complete.
    if (aedes && !aedes.closed) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await serverClosed;
  }
}
