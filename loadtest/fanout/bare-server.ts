// Baseline: a bare socket.io 4.8 server (one namespace, one room, no auth, no recovery, no adapter).
// Viewers emit `live:join` and are put in the room; a line "pin" on stdin emits one frame to the room.
// Prints {"port":…} once listening and {"rssMb":…} when asked.
import http from 'node:http';
import { Server } from 'socket.io';

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
  if (text.includes('pin')) live.to('room').emit('card:pinned', { sessionId: 'bare', seq: 1 });
  if (text.includes('rss'))
    process.stdout.write(`${JSON.stringify({ rssMb: process.memoryUsage().rss / 1048576 })}\n`);
  if (text.includes('exit')) {
    io.close();
    process.exit(0);
  }
});
