// Driver child: opens N socket.io viewer sockets (websocket transport) to a namespace, sends a join
// event on each, then records when each socket receives the watched event (epoch ms; the orchestrator
// runs on the same clock and knows when it triggered the event). Prints one JSON line per phase.
// argv: <url> <namespace> <count> <joinEvent> <joinPayload JSON> <watchEvent>
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

const [url, nsp, countRaw, joinEvent, joinPayload, watchEvent] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const count = Number(countRaw);
const payload = JSON.parse(joinPayload) as Record<string, unknown>;
const sockets: Socket[] = [];
const receivedAt: number[] = [];
let frameBytes = 0;
const CONNECT_CONCURRENCY = 200;

function send(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function connectOne(i: number): Promise<void> {
  const socket = io(`${url}${nsp}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // A busy machine may take a while to accept thousands of handshakes.
    timeout: 60_000,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on(watchEvent, (frame: unknown) => {
    receivedAt.push(Date.now());
    frameBytes ||= JSON.stringify(frame).length;
  });
  await new Promise<void>((resolve) =>
    socket.emit(joinEvent, { ...payload, viewerId: `bench-viewer-${process.pid}-${i}` }, () => resolve()),
  );
}

const started = performance.now();
for (let i = 0; i < count; i += CONNECT_CONCURRENCY) {
  const batch = [];
  for (let j = i; j < Math.min(count, i + CONNECT_CONCURRENCY); j++) batch.push(connectOne(j));
  await Promise.all(batch);
}
send({ phase: 'connected', count, connectMs: Math.round(performance.now() - started) });

process.stdin.on('data', (d) => {
  if (String(d).includes('report')) {
    send({ phase: 'report', received: receivedAt.length, receivedAt, frameBytes });
    receivedAt.length = 0;
  }
  if (String(d).includes('exit')) {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  }
});
