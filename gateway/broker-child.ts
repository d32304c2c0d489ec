// The broker child of the all-in-one platform (built as dist/broker.mjs, forked by broker-process.ts):
// the edge (aedes broker, device registry, journal, presence) in a process of its own, so no MQTT client
// can take memory from HTTP, sockets or orders. It takes its settings from the parent's first IPC
// message, not from the environment. A reading is acknowledged to its device once this process's
// journal holds it, as in the standalone edge; the forwarder then hands journaled readings to the
// parent, which answers once commerce stored them, and retries until it does.
import type { Edge, JournaledReading, ReadingSink } from '../edge/index.ts';
import type { BrokerCallMethod, BrokerStartOptions, ChildToParent, ParentToChild } from './broker-ipc.ts';
import { buildEdge } from './compose/edge.ts';
import { createLogger } from './logger.ts';

if (!process.send) {
  process.stderr.write('broker: must be started by the platform process (IPC channel missing)\n');
  process.exit(2);
}

const send = (msg: ChildToParent) => {
  if (process.connected) process.send!(msg);
};

/** Forwards journaled readings to the parent; resolves once the parent stored them. */
class ParentSink implements ReadingSink {
  readonly #pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #next = 1;

  write(readings: readonly JournaledReading[]): Promise<void> {
    if (!process.connected) return Promise.reject(new Error('platform process is gone'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      send({ t: 'ingest', id, readings: [...readings] });
    });
  }

  settle(id: number, error: string | undefined, code: string | undefined): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    if (error === undefined) p.resolve();
    // The code travels with the message: the forwarder isolates the readings commerce refused by it.
    else p.reject(Object.assign(new Error(error), code === undefined ? {} : { code }));
  }

  failAll(): void {
    for (const p of this.#pending.values()) p.reject(new Error('platform process is gone'));
    this.#pending.clear();
  }
}

const sink = new ParentSink();
let edge: Edge | undefined;
let closing = false;

function close(code: number): void {
  if (closing) return;
  closing = true;
  void (async () => {
    sink.failAll();
    try {
      await edge?.close();
    } catch {
      code = 1;
    }
    process.exit(code);
  })();
}

async function start(options: BrokerStartOptions): Promise<void> {
  const logger = createLogger(options.logLevel).child({ subsystem: 'broker' });
  edge = buildEdge({
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    logger,
    sink,
    mqttLimits: options.limits,
    quarantine: options.quarantine,
  });
  await edge.start();
  send({ t: 'ready', port: edge.port });
}

async function call(e: Edge, method: BrokerCallMethod, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'health':
      return { ...e.health(), pid: process.pid };
    case 'summary':
      return e.summary();
    case 'registerDevice':
      return e.registerDevice(args[0] as string, args[1] as string, args[2] as string);
    case 'listDevices':
      return e.listDevices();
    case 'getDevice':
      return e.getDevice(args[0] as string);
    case 'rotateSecret':
      return e.rotateSecret(args[0] as string);
    case 'setDisabled':
      return e.setDisabled(args[0] as string, args[1] as boolean);
    case 'sendCommand':
      return e.sendCommand(args[0] as string, args[1] as Parameters<Edge['sendCommand']>[1]);
  }
}

process.on('message', (msg: ParentToChild) => {
  switch (msg.t) {
    case 'start':
      start(msg.options).catch((err: unknown) => {
        process.stderr.write(`broker: start-up failed: ${(err as Error).message}\n`);
        close(1);
      });
      return;
    case 'ingested':
      sink.settle(msg.id, msg.error, msg.code);
      return;
    case 'call': {
      const e = edge;
      if (!e) {
        send({ t: 'reply', id: msg.id, error: 'broker not started' });
        return;
      }
      call(e, msg.method, msg.args).then(
        (value) => send({ t: 'reply', id: msg.id, value }),
        (err: unknown) => send({ t: 'reply', id: msg.id, error: (err as Error).message }),
      );
      return;
    }
    case 'close':
      close(0);
      return;
  }
});

// The parent went away (crash or exit): nothing can take readings any more; the journal keeps them.
process.on('disconnect', () => close(0));
process.on('SIGTERM', () => close(0));
// Ctrl-C reaches the whole process group: the parent shuts this process down in its own order.
process.on('SIGINT', () => {});
