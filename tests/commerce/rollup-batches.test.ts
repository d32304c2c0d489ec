// Folding a batch of events into one write per row changes nothing: the same synthetic stream (viewer
// joins, leaves, impressions and clicks; readings, invitations, check-ins, sign-ups, orders paid and
// refunded) applied one event per transaction and in batches of 500 leaves identical rollup tables, on
// SQLite and PostgreSQL; and the presence figures (viewers now, peak, socket counts) match a model that
// replays the joins and leaves one by one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthetic, writeBatch } from '../../commerce/fixtures/metrics-ingest.ts';
import { seedWorld, type World } from '../../commerce/fixtures/metrics-world.ts';
import { Store } from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { events, prng } from '../../loadtest/clients/synthetic-traffic.ts';
import { testLogger } from '../helpers/logger.ts';

const EVENTS = 3000;
const T0 = Date.UTC(2026, 0, 1);
const SHAPE = { people: 300, channels: 6, sessions: 8, offlineEvents: 4 };

const TABLES = {
  channel_daily: ['channel_id', 'day'],
  event_funnel: ['event_id', 'channel_id'],
  referrer_daily: ['referrer_id', 'day'],
  person_milestones: ['person_id'],
  order_facts: ['order_id'],
  rollup_keys: ['scope', 'stage', 'actor'],
  live_funnel: ['session_id', 'channel_id'],
  live_funnel_keys: ['session_id', 'stage', 'actor'],
  live_presence: ['session_id', 'viewer_id'],
  live_session_stats: ['session_id'],
} as const;

async function dump(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(TABLES)) {
    let q = store.db.selectFrom(table as 'channel_daily').selectAll();
    for (const k of key) q = q.orderBy(k as 'day');
    out[table] = (await q.execute()).map((row) => {
      const r = Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
      );
      delete r.updated_at_ms;
      return r;
    });
  }
  return out;
}

/** Joins and leaves replayed one at a time: sockets per viewer, viewers now and the peak per session. */
function presenceModel(stream: Synthetic[]) {
  const sockets = new Map<string, number>();
  const sessions = new Map<string, { now: number; peak: number; peakAt: number | null }>();
  for (const e of stream) {
    if (e.kind !== 'viewer' || (e.type !== 'live.join' && e.type !== 'live.leave')) continue;
    const id = `${e.sessionId}/${e.viewerId}`;
    const before = sockets.get(id);
    let delta = 0;
    if (e.type === 'live.join') {
      sockets.set(id, (before ?? 0) + 1);
      if ((before ?? 0) === 0) delta = 1;
    } else if (before !== undefined && before > 0) {
      sockets.set(id, before - 1);
      if (before === 1) delta = -1;
    }
    if (!delta) continue;
    const s = sessions.get(e.sessionId) ?? { now: 0, peak: 0, peakAt: null };
    s.now += delta;
    if (s.now > s.peak) {
      s.peak = s.now;
      s.peakAt = e.atMs;
    }
    sessions.set(e.sessionId, s);
  }
  return { sockets, sessions };
}

describe.each(['sqlite', 'postgres'] as const)('rollups in batches on %s', (dialect) => {
  const stores: Store[] = [];
  const pgs: ScratchDatabase[] = [];
  const dirs: string[] = [];
  let stream: Synthetic[];
  let world: World;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-batches-'));
      dirs.push(dir);
      const pg = dialect === 'postgres' ? await createScratchDatabase() : undefined;
      if (pg) pgs.push(pg);
      const store = await Store.open({ dataDir: dir, databaseUrl: pg?.url, logger: testLogger });
      stores.push(store);
      world = await seedWorld(store.db, SHAPE, T0, prng(7));
    }
    // The same invite codes in both stores, so viewer links resolve to the same channels.
    const codes = await stores[0]!.db.selectFrom('channels').select(['id', 'invite_code']).execute();
    for (const c of codes)
      await stores[1]!.db
        .updateTable('channels')
        .set({ invite_code: c.invite_code })
        .where('id', '=', c.id)
        .execute();
    world.inviteCodes = codes
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)))
      .map((c) => c.invite_code);
    stream = [...events(world, EVENTS, 5)];
    // One event per transaction: each event sees everything before it committed.
    for (const e of stream) await writeBatch(stores[0]!.db, [e], true);
    for (let i = 0; i < stream.length; i += 500)
      await writeBatch(stores[1]!.db, stream.slice(i, i + 500), true);
  }, 180_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const pg of pgs) await pg.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('leaves the same rollup rows as applying one event at a time', async () => {
    const [one, batched] = [await dump(stores[0]!), await dump(stores[1]!)];
    for (const table of Object.keys(TABLES))
      expect({ table, rows: batched[table] }).toEqual({ table, rows: one[table] });
    // The stream is rich enough to mean something.
    expect(one.channel_daily!.length).toBeGreaterThan(100);
    expect(one.order_facts!.some((f) => (f as { refunded_at_ms: unknown }).refunded_at_ms !== null)).toBe(
      true,
    );
    expect(one.event_funnel!.some((f) => Number((f as { tested: number }).tested) > 0)).toBe(true);
  });

  it('counts presence as the joins and leaves replayed one by one', async () => {
    const model = presenceModel(stream);
    for (const store of stores) {
      const stats = await store.db
        .selectFrom('live_session_stats')
        .selectAll()
        .orderBy('session_id')
        .execute();
      expect(
        stats.map((s) => ({
          session: s.session_id,
          now: Number(s.viewers_now),
          peak: Number(s.peak_viewers),
          peakAt: s.peak_at_ms === null ? null : Number(s.peak_at_ms),
        })),
      ).toEqual(
        [...model.sessions.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([session, s]) => ({ session, now: s.now, peak: s.peak, peakAt: s.peakAt })),
      );
      const presence = await store.db.selectFrom('live_presence').selectAll().execute();
      const counted = new Map(presence.map((p) => [`${p.session_id}/${p.viewer_id}`, Number(p.sockets)]));
      for (const [id, n] of model.sockets) expect({ id, n: counted.get(id) }).toEqual({ id, n });
    }
  });
});
