// Access tokens: round trip, expiry, tampering and a foreign key are all AUTH_INVALID_TOKEN.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from '../../gateway/auth/index.ts';

const secret = new TextEncoder().encode('x'.repeat(40));

describe('TokenService', () => {
  const tokens = new TokenService({ secret, accessTtlSec: 900 });

  it('round-trips person id, roles and expiry', async () => {
    const now = Date.now();
    const t = await tokens.mintAccess('p1', ['member', 'host'], now);
    const p = await tokens.verifyAccess(t);
    expect(p.personId).toBe('p1');
    expect(p.roles).toEqual(['member', 'host']);
    expect(p.expiresAtMs).toBe((Math.floor(now / 1000) + 900) * 1000);
  });

  it('rejects an expired token', async () => {
    const t = await tokens.mintAccess('p1', ['member'], Date.now() - 3_600_000);
    await expect(tokens.verifyAccess(t)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
  });

  it('rejects a token with a changed payload or signed with another key', async () => {
    const t = await tokens.mintAccess('p1', ['member']);
    const [h, , s] = t.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'p1', roles: ['admin'], iss: 'vitalive', exp: 9e9 }),
    ).toString('base64url');
    await expect(tokens.verifyAccess(`${h}.${forged}.${s}`)).rejects.toMatchObject({
      code: 'AUTH_INVALID_TOKEN',
    });
    const other = new TokenService({ secret: new TextEncoder().encode('y'.repeat(40)) });
    await expect(other.verifyAccess(t)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
    await expect(tokens.verifyAccess('garbage')).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
  });

  it('a token verified (and remembered) once is still refused after it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const short = new TokenService({ secret, accessTtlSec: 60 });
    const t = await short.mintAccess('p2', ['member']);
    expect((await short.verifyAccess(t)).personId).toBe('p2');
    expect((await short.verifyAccess(t)).personId).toBe('p2');
    vi.setSystemTime(Date.now() + 61_000);
    await expect(short.verifyAccess(t)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses secrets shorter than 32 bytes', async () => {
    expect(() => new TokenService({ secret: new Uint8Array(8) })).toThrow(TypeError);
  });
});
