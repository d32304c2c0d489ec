// Baseline: a bare socket.io 4.8 server (one namespace, one room, no auth, no recovery, no adapter).
// Viewers emit `live:join` and are put in the room; a line "pin" on stdin emits one frame to the room,
// shaped and sized like the gateway's `card:pinned` frame so both sides decode the same bytes.
// Prints {"port":…} once listening and its memory ({"rssMb":…,"heapUsedMb":…}) when asked.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Server } from 'socket.io';
import { memoryFigures } from './memory.ts';

function pinnedFrame() {
  const sessionId = randomUUID();
  return {
    sessionId,
    seq: 4,
    type: 'card.pinned',
    card: {
      cardId: randomUUID(),
      sessionId,
      skuId: randomUUID(),
      titles: { en: 'Fan-out item', 'zh-Hans': '测试', 'zh-Hant': '測試' },
      priceMinor: 9900,
      currency: 'CNY',
      allotted: 100,
      remaining: 100,
      perMemberLimit: 5,
      startsAtMs: null,
      endsAtMs: null,
      state: 'pinned',
      pinnedAtMs: Date.now(),
    },
  };
}

const server = http.createServer();
const io = new Server(server, { serveClient: false });
const live = io.of('/live');
live.on('connection', (socket) => {
  socket.on('live:join', (_payload: unknown, ack?: () => void) => {
    void socket.join('room');
    ack?.();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.stdin.on('data', (d) => {
  const text = String(d);
  if (text.includes('pin')) live.to('room').emit('card:pinned', pinnedFrame());
  if (text.includes('rss')) process.stdout.write(`${JSON.stringify(memoryFigures())}\n`);
  if (text.includes('exit')) {
    io.close();
    process.exit(0);
  }
});
