// The edge's device registry on a real edge.db: secrets are random, shown once and stored only as their
// SHA-256; verify says ok / bad / disabled and never ok for an unknown id, a wrong or rotated secret;
// devices registered by another process (the CLI) are found on a miss; ids are validated.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceRegistry, type EdgeDb, openEdgeDb } from '../../edge/index.ts';
import { tempDir } from '../helpers/edge.ts';

describe('device registry', () => {
  const dir = tempDir('devices-');
  const dbs: EdgeDb[] = [];
  const open = () => {
    const db = openEdgeDb(dir);
    dbs.push(db);
    return db;
  };
  afterAll(() => {
    for (const db of dbs) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers once per id with a random secret stored only as its hash', () => {
    const db = open();
    const reg = new DeviceRegistry(db);
    const before = Date.now();
    const secret = reg.register('scale-1', 'scale', 'clinic A')!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reg.register('scale-1', 'scale', 'clinic B')).toBeUndefined();
    expect(reg.register('scale-2', 'scale', 'clinic A')).not.toBe(secret);
    const row = db.prepare('SELECT secret_sha256 FROM devices WHERE id = ?').get('scale-1') as {
      secret_sha256: Buffer;
    };
    expect(row.secret_sha256.equals(createHash('sha256').update(secret).digest())).toBe(true);
    const info = reg.get('scale-1')!;
    expect(info).toMatchObject({ id: 'scale-1', kind: 'scale', location: 'clinic A', disabled: false });
    expect(info.createdAtMs).toBeGreaterThanOrEqual(before);
    expect(info.createdAtMs).toBeLessThanOrEqual(Date.now());
    expect(reg.get('nope')).toBeUndefined();
    expect(reg.list().map((d) => d.id)).toEqual(['scale-1', 'scale-2']);
  });

  it('accepts only ids of 1 to 64 letters, digits, _ and -', () => {
    const reg = new DeviceRegistry(open());
    for (const id of ['a', 'A-b_9', 'x'.repeat(64)]) expect(DeviceRegistry.validId(id), id).toBe(true);
    for (const id of ['', 'x'.repeat(65), 'a/b', 'a b', 'a+', '#', 'é', 'a\n'])
      expect(DeviceRegistry.validId(id), JSON.stringify(id)).toBe(false);
    expect(() => reg.register('a/b', 'scale', 'x')).toThrow(RangeError);
    expect(() => reg.register('a/b', 'scale', 'x')).toThrow('invalid device id');
    expect(() => reg.register('x'.repeat(65), 'scale', 'x')).toThrow(RangeError);
  });

  it('verifies: ok for the secret, bad for anything else or an unknown id, disabled when disabled', () => {
    const reg = new DeviceRegistry(open());
    const secret = reg.register('cuff-1', 'cuff', 'clinic A')!;
    expect(reg.verify('cuff-1', secret)).toBe('ok');
    expect(reg.verify('cuff-1', `${secret}x`)).toBe('bad');
    expect(reg.verify('cuff-1', '')).toBe('bad');
    expect(reg.verify('unknown', secret)).toBe('bad');
    // An unknown id with the dummy hash's preimage must not pass either.
    expect(reg.verify('unknown', '')).toBe('bad');
    expect(reg.setDisabled('cuff-1', true)).toBe(true);
    expect(reg.verify('cuff-1', secret)).toBe('disabled');
    expect(reg.verify('cuff-1', 'wrong')).toBe('bad');
    expect(reg.get('cuff-1')?.disabled).toBe(true);
    expect(reg.setDisabled('cuff-1', false)).toBe(true);
    expect(reg.verify('cuff-1', secret)).toBe('ok');
    expect(reg.setDisabled('unknown', true)).toBe(false);
  });

  it('rotation: the old secret stops at once, the disabled flag is kept', () => {
    const reg = new DeviceRegistry(open());
    const old = reg.register('cuff-2', 'cuff', 'clinic A')!;
    const fresh = reg.rotate('cuff-2')!;
    expect(fresh).not.toBe(old);
    expect(reg.verify('cuff-2', old)).toBe('bad');
    expect(reg.verify('cuff-2', fresh)).toBe('ok');
    reg.setDisabled('cuff-2', true);
    const third = reg.rotate('cuff-2')!;
    expect(reg.verify('cuff-2', third)).toBe('disabled');
    expect(reg.rotate('unknown')).toBeUndefined();
    expect(reg.verify('unknown', third)).toBe('bad');
  });

  it('sees devices another process registered, disabled or rotated, from the file', () => {
    const edge = new DeviceRegistry(open());
    const cli = new DeviceRegistry(open());
    // Loaded at start.
    const early = cli.register('early-1', 'scale', 'x')!;
    cli.setDisabled('early-1', true);
    const restarted = new DeviceRegistry(open());
    expect(restarted.verify('early-1', early)).toBe('disabled');
    // Registered after the edge started: read through on the first connect.
    const late = cli.register('late-1', 'scale', 'x')!;
    expect(edge.verify('late-1', late)).toBe('ok');
    expect(edge.verify('late-1', 'wrong')).toBe('bad');
    // Registered and disabled by the CLI after the edge started: the read-through keeps it disabled.
    const lateOff = cli.register('late-2', 'scale', 'x')!;
    cli.setDisabled('late-2', true);
    expect(edge.verify('late-2', lateOff)).toBe('disabled');
    // The same, rotated by the edge before any connect: the new secret is still refused as disabled.
    cli.register('late-3', 'scale', 'x');
    cli.setDisabled('late-3', true);
    expect(edge.verify('late-3', edge.rotate('late-3')!)).toBe('disabled');
    // Rotated by the edge (which owns the live connections): the old secret fails at once there.
    const rotated = edge.rotate('late-1')!;
    expect(edge.verify('late-1', late)).toBe('bad');
    expect(new DeviceRegistry(open()).verify('late-1', rotated)).toBe('ok');
  });
});
