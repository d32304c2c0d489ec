// The quarantine's own bounds, on real files: entries of one device beyond the per-minute cap are
// counted and not stored (other devices keep their own allowance); the files never hold more than the
// size bound (oldest deleted first); files past the age bound are deleted; entries survive a restart.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Quarantine } from '../../edge/quarantine.ts';
import { tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';

const open: Quarantine[] = [];
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
});

function quarantine(dir: string, opts: ConstructorParameters<typeof Quarantine>[1]) {
  const q = new Quarantine(dir, opts, testLogger);
  open.push(q);
  return q;
}

const entry = (deviceId: string, receivedAtMs: number, bytes = 100) => ({
  deviceId,
  reason: 'decode_failed' as const,
  detail: null,
  receivedAtMs,
  payload: Buffer.alloc(bytes, 0xff),
});

const diskBytes = (dir: string) =>
  fs.readdirSync(dir).reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0);

it('stores at most the cap per device per minute and counts the rest', async () => {
  const dir = tempDir('quarantine-');
  const q = quarantine(dir, { maxPerDevicePerMin: 5 });
  const minute = 60_000 * 1_000_000;
  for (let i = 0; i < 20; i++) q.add(entry('noisy', minute + i));
  for (let i = 0; i < 3; i++) q.add(entry('quiet', minute + 100 + i));
  for (let i = 0; i < 20; i++) q.add(entry('noisy', minute + 60_000 + i)); // the next minute
  await q.flush();
  expect(q.stored).toBe(13);
  expect(q.dropped).toBe(30);
  expect(await q.entriesOf('noisy', 1000)).toHaveLength(10);
  expect(await q.entriesOf('quiet', 1000)).toHaveLength(3);
  await q.close();
  // A restart reads what is on disk.
  const again = quarantine(dir, { maxPerDevicePerMin: 5 });
  expect(await again.entriesOf('noisy', 1000)).toHaveLength(10);
});

it('keeps the files under the size bound, deleting the oldest first', async () => {
  const dir = tempDir('quarantine-');
  const maxBytes = 64 * 1024;
  const q = quarantine(dir, { maxPerDevicePerMin: 0, maxBytes, flushMs: 1 });
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 20; i++) q.add(entry(`d-${round}`, Date.now(), 500));
    await q.flush();
    expect(diskBytes(dir)).toBeLessThanOrEqual(maxBytes);
  }
  expect(q.stored).toBe(1000);
  expect(q.bytes).toBe(diskBytes(dir));
  // The newest entries are kept, the oldest are gone.
  expect(await q.entriesOf('d-49', 100)).toHaveLength(20);
  expect(await q.entriesOf('d-0', 100)).toHaveLength(0);
});

it('deletes files older than the age bound', async () => {
  const dir = tempDir('quarantine-');
  const q = quarantine(dir, { maxPerDevicePerMin: 0, maxBytes: 32 * 1024, maxAgeMs: 60_000 });
  for (let i = 0; i < 10; i++) q.add(entry('old', Date.now(), 500));
  await q.flush();
  // Age the first file by two minutes, then write enough for a new file: the old one goes.
  const [first] = fs.readdirSync(dir);
  const past = new Date(Date.now() - 120_000);
  fs.utimesSync(path.join(dir, first!), past, past);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10; i++) q.add(entry('new', Date.now(), 500));
    await q.flush();
  }
  expect(fs.readdirSync(dir)).not.toContain(first);
  expect(await q.entriesOf('old', 100)).toHaveLength(0);
  expect((await q.entriesOf('new', 100)).length).toBeGreaterThan(0);
});
