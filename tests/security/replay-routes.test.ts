// The replay routes under attack: replay files are served by fixed names only (no path leaves the
// session's folder, the recording itself and its manifests are never served), only once the session has
// ended, with their media types and cache lifetimes; deleting a recording is for staff only (not the
// host, not a member, not anonymous, not while live). The replay's chat carries names only and leaves
// out what the host deleted and what muted viewers wrote; cards appear at their pin times.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSales } from '../../commerce/internals.ts';
import { call } from '../helpers/http-call.ts';
import {
  openTestStore,
  type Seeded,
  seedPerson,
  startTestApi,
  type TestApi,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';

const tokens = testTokens();

describe('replay routes', () => {
  let t: TestStore;
  let api: TestApi;
  let dataDir: string;
  let staff: Seeded;
  let host: Seeded;
  let member: Seeded;
  let ended: string;
  let live: string;
  let cardId: string;
  const partStart = Date.now() - 60_000;

  async function writeReplay(sessionId: string, endedAtMs: number | undefined) {
    const dir = path.join(dataDir, 'recordings', sessionId);
    await mkdir(path.join(dir, 'hls'), { recursive: true });
    await writeFile(path.join(dir, 'seg-0001.mkv'), 'recording');
    await writeFile(
      path.join(dir, 'recording.json'),
      JSON.stringify({
        sessionId,
        segments: [{ file: 'seg-0001.mkv', startedAtMs: partStart, kinds: ['video'] }],
        endedAtMs,
      }),
    );
    if (endedAtMs === undefined) return;
    await writeFile(
      path.join(dir, 'replay.json'),
      JSON.stringify({
        sessionId,
        durationSec: 50,
        parts: [{ startedAtMs: partStart, endedAtMs: partStart + 50_000, offsetSec: 0, durationSec: 50 }],
        producedAtMs: Date.now(),
        cpuSec: 1,
        wallMs: 1,
      }),
    );
    await writeFile(path.join(dir, 'hls', 'replay.m3u8'), '#EXTM3U\n');
    await writeFile(path.join(dir, 'hls', 'init-01.mp4'), Buffer.alloc(64));
    await writeFile(path.join(dir, 'hls', 'p01-00000.m4s'), Buffer.alloc(128));
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'replay-routes-'));
    t = await openTestStore('sqlite');
    api = await startTestApi(t.store, { env: { DATA_DIR: dataDir } });
    staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
    host = await seedPerson(t.store, tokens, { roles: ['host'] });
    member = await seedPerson(t.store, tokens, {});
    const sales = new LiveSales(t.store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const product = await call(api.url, 'POST', '/api/products', {
      token: staff.token,
      body: {
        titles: { en: 'Fibre bar', 'zh-Hans': '纤维棒', 'zh-Hant': '纖維棒' },
        skus: [{ code: 'FIBRE-REPLAY', priceMinor: 5_900, currency: 'CNY', stock: 100 }],
      },
    });
    const skuId = (product.body.skus as Array<{ skuId: string }>)[0]!.skuId;
    ended = (await sales.createSession(actor, { title: 'Over' })).sessionId;
    await sales.goLive(actor, ended);
    cardId = (await sales.createCard(actor, ended, { skuId, quantity: 5 })).cardId;
    await sales.pin(actor, ended, cardId);
    await sales.unpin(actor, ended, cardId);
    await sales.end(actor, ended);
    live = (await sales.createSession(actor, { title: 'On air' })).sessionId;
    await sales.goLive(actor, live);
    await writeReplay(ended, Date.now());
    await writeReplay(live, undefined);
    const chat = api.commerce.sales.chat;
    const msg = (id: string, viewerId: string, text: string, atMs: number) => ({
      id,
      sessionId: ended,
      viewerId,
      name: `Viewer ${id}`,
      text,
      atMs,
    });
    await chat.append([
      msg('m1', 'v-good', 'hello', partStart + 10_000),
      msg('m2', 'v-good', 'deleted by the host', partStart + 11_000),
      msg('m3', 'v-rude', 'rude words', partStart + 12_000),
    ]);
    await chat.remove(ended, 'm2');
    await chat.hideViewer(ended, 'v-rude');
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('describes a ready replay with the card at its pin time', async () => {
    const r = await call(api.url, 'GET', `/api/live-sessions/${ended}/replay`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      state: 'ready',
      playlistUrl: `/replays/${ended}/replay.m3u8`,
      durationSec: 50,
    });
    const cards = r.body.cards as Array<{
      cardId: string;
      pinnedAtSec: number;
      unpinnedAtSec: number | null;
    }>;
    expect(cards).toHaveLength(1);
    expect(cards[0]!.cardId).toBe(cardId);
    // Pinned about 60 s after the part started, which only covers 50 s: the end of the replay.
    expect(cards[0]!.pinnedAtSec).toBe(50);
    expect((await call(api.url, 'GET', `/api/live-sessions/${live}/replay`)).body.state).toBe('recording');
  });

  it('replays the chat without deleted messages, muted authors or ids of people', async () => {
    const r = await call(api.url, 'GET', `/api/live-sessions/${ended}/replay/chat`);
    expect(r.status).toBe(200);
    const messages = r.body.messages as Array<Record<string, unknown>>;
    expect(messages.map((m) => m.text)).toEqual(['hello']);
    expect(messages[0]).toEqual({ id: 'm1', name: 'Viewer m1', text: 'hello', atSec: 10 });
    expect(JSON.stringify(r.body)).not.toContain('v-good');
  });

  it('serves replay files with their types and cache lifetimes', async () => {
    const playlist = await fetch(`${api.url}/replays/${ended}/replay.m3u8`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('cache-control')).toBe('public, max-age=60');
    const seg = await fetch(`${api.url}/replays/${ended}/p01-00000.m4s`);
    expect(seg.headers.get('content-type')).toBe('video/iso.segment');
    expect(seg.headers.get('cache-control')).toBe('public, max-age=86400');
    expect((await seg.arrayBuffer()).byteLength).toBe(128);
    const init = await fetch(`${api.url}/replays/${ended}/init-01.mp4`);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    const again = await fetch(`${api.url}/replays/${ended}/init-01.mp4`, {
      headers: { 'if-none-match': init.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('refuses any other name, a live session, an unknown one and traversal', async () => {
    for (const name of [
      'recording.json',
      'replay.json',
      'seg-0001.mkv',
      'seg-0001.sdp',
      '..%2Frecording.json',
      'x.m3u8',
    ]) {
      const r = await fetch(`${api.url}/replays/${ended}/${name}`);
      expect([400, 404]).toContain(r.status);
      expect(await r.text()).not.toContain('segments');
    }
    expect((await fetch(`${api.url}/replays/..%2F..%2Fetc/replay.m3u8`)).status).toBe(400);
    expect((await fetch(`${api.url}/replays/${live}/replay.m3u8`)).status).toBe(404);
    expect((await fetch(`${api.url}/replays/no-such-session/replay.m3u8`)).status).toBe(404);
    expect((await call(api.url, 'GET', '/api/live-sessions/no-such-session/replay')).status).toBe(404);
  });

  it('lets only staff delete a recording, and not while the session is live', async () => {
    const del = (sessionId: string, token?: string) =>
      call(api.url, 'DELETE', `/api/live-sessions/${sessionId}/recording`, token ? { token } : {});
    expect((await del(ended)).status).toBe(401);
    expect((await del(ended, member.token)).status).toBe(403);
    expect((await del(ended, host.token)).status).toBe(403);
    expect((await del(live, staff.token)).status).toBe(409);
    expect((await del(ended, staff.token)).status).toBe(204);
    await expect(stat(path.join(dataDir, 'recordings', ended))).rejects.toThrow();
    expect((await call(api.url, 'GET', `/api/live-sessions/${ended}/replay`)).body.state).toBe('none');
    expect((await fetch(`${api.url}/replays/${ended}/replay.m3u8`)).status).toBe(404);
    expect((await del(ended, staff.token)).status).toBe(404);
  });
});
