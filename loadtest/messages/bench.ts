// npm run bench:messages — a go-live reminder to BENCH_SUBSCRIBERS (50,000) "remind me" subscribers on
// SQLite, in one process over commerce as the platform composes it: how long until every reminder is
// queued (target ≤ 5 s), how fast the worker drains at the e-mail rate limit (BENCH_RATE, 500/s; a
// provider that takes 1 ms per message), and order placement latency on another live session while
// the queue drains, against the same orders before the go-live (p99 ratio, target ≤ 1.2). Prints JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openCommerce } from '../../gateway/index.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000);
const DRAIN_SEC = Number(process.env.BENCH_DRAIN_SEC ?? 10);
const logger = pino({ level: 'silent' });

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const round = (x: number) => Math.round(x * 100) / 100;
const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-messages-'));
  let sent = 0;
  const { commerce, close } = await openCommerce(
    {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      MESSAGE_RATE_EMAIL_PER_SEC: String(RATE),
      MESSAGE_QUIET_HOURS: '00:00-00:00',
      MESSAGE_POLL_MS: '50',
      MESSAGE_BATCH: '200',
    },
    logger,
    {
      senders: {
        email: {
          async send() {
            await new Promise((r) => setTimeout(r, 1));
            sent++;
            return {};
          },
        },
      },
    },
  );
  try {
    const [staffId] = await commerce.fixtures.seedPeople(1, { roles: ['staff'] });
    const [hostId] = await commerce.fixtures.seedPeople(1, { roles: ['host'] });
    const staff = { personId: staffId!, roles: ['member', 'staff'] as const };
    const host = { personId: hostId!, roles: ['member', 'host'] as const };
    const buyers = await commerce.fixtures.seedPeople(ORDERS * 2);
    const subscribers = await commerce.fixtures.seedPeople(SUBSCRIBERS);
    // The sale that keeps taking orders while the reminders drain.
    const product = await commerce.catalog.create({
      titles: { en: 'Shake', 'zh-Hans': '奶昔', 'zh-Hant': '奶昔' },
      tags: [],
      skus: [{ code: `BENCH-${Date.now()}`, priceMinor: 100, currency: 'CNY', stock: ORDERS * 4 }],
    } as never);
    const sale = await commerce.sales.createSession(host as never, { title: 'Sale' });
    await commerce.sales.goLive(host as never, sale.sessionId);
    const card = await commerce.sales.createCard(host as never, sale.sessionId, {
      skuId: product.skus[0]!.skuId,
      quantity: ORDERS * 3,
      perMemberLimit: 5,
    });
    await commerce.sales.pin(host as never, sale.sessionId, card.cardId);
    const placeAll = async (who: string[], tag: string) => {
      const ms: number[] = [];
      for (const [i, personId] of who.entries()) {
        const t0 = performance.now();
        const reply = await commerce.orders.place(
          { personId, roles: ['member'] },
          { cardId: card.cardId, quantity: 1, fulfilment: { method: 'pickup', clinic: 'Clinic 1' } } as never,
          `${tag}-${i}`,
        );
        ms.push(performance.now() - t0);
        if (reply.status !== 201) throw new Error(`order refused: ${JSON.stringify(reply.body)}`);
      }
      return ms;
    };
    // Both phases run with the messaging consumer delivering (each order queues its order_placed
    // message), so the only difference between them is the reminders' drain.
    commerce.events.subscribe(commerce.consumers.messaging);
    await commerce.events.start();
    const cpuBefore = process.cpuUsage();
    const before = await placeAll(buyers.slice(0, ORDERS), 'before');
    const cpuPerOrderUs = cpuUs(process.cpuUsage(cpuBefore)) / ORDERS;

    const reminded = await commerce.sales.createSession(host as never, { title: 'Reminded' });
    await commerce.fixtures.subscribeLiveReminders(reminded.sessionId, subscribers);
    const queued = async () =>
      (await commerce.messaging.log.figures(staff as never))
        .filter((f) => f.kind === 'live_reminder_golive')
        .reduce((n, f) => n + f.queued + f.sent + f.failed + f.suppressed, 0);
    const t0 = performance.now();
    await commerce.sales.goLive(host as never, reminded.sessionId);
    while ((await queued()) < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 20));
    const queueMs = performance.now() - t0;

    commerce.messaging.start();
    const drainStart = performance.now();
    const cpuDrain = process.cpuUsage();
    const during = await placeAll(buyers.slice(ORDERS), 'during');
    const left = DRAIN_SEC * 1000 - (performance.now() - drainStart);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const drainSec = (performance.now() - drainStart) / 1000;
    const sentInWindow = sent;
    // The window's CPU less what its orders cost at the before-phase rate: what each message took.
    const drainCpuUs = cpuUs(process.cpuUsage(cpuDrain)) - cpuPerOrderUs * ORDERS;
    await commerce.messaging.close();
    await commerce.events.close();
    const p99Before = percentile(before, 99);
    const p99During = percentile(during, 99);
    console.log(
      JSON.stringify({
        bench: 'messages',
        store: 'sqlite',
        subscribers: SUBSCRIBERS,
        queueMs: Math.round(queueMs),
        queueTargetMs: 5000,
        rateLimitPerSec: RATE,
        drained: sentInWindow,
        drainSec: round(drainSec),
        drainPerSec: round(sentInWindow / drainSec),
        orders: ORDERS,
        orderP99MsBefore: round(p99Before),
        orderP99MsDuring: round(p99During),
        orderP50MsBefore: round(percentile(before, 50)),
        orderP50MsDuring: round(percentile(during, 50)),
        orderP99Ratio: round(p99During / p99Before),
        orderP99RatioTarget: 1.2,
        cpuUsPerOrderBefore: Math.round(cpuPerOrderUs),
        cpuUsPerMessage: Math.round(drainCpuUs / Math.max(1, sentInWindow)),
        loadAverage: os.loadavg().map(round),
      }),
    );
  } finally {
    await close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
