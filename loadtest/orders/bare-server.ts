// The ceiling for bench:orders: a bare fastify server on the same machine that answers every
// POST /api/orders with a sold-out 409 — JSON body parsed, no auth, no validation, no store.
// Usage: node --import tsx loadtest/orders/bare-server.ts <port>
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const soldOut = { code: 'CARD_SOLD_OUT', message: 'Sold out', params: {} };
app.post('/api/orders', async (_request, reply) => reply.status(409).send(soldOut));
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
