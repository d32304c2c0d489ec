// Codes and contacts, as pure functions: the unambiguous alphabet, code normalisation, e-mail and phone
// canonical forms, and scrypt hashes that carry their own parameters.
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  isCode,
  MEMBER_CODE_LENGTH,
  normaliseCode,
  normaliseEmail,
  normalisePhone,
  randomCode,
} from '../../commerce/internals.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../commerce/people/password.ts';

describe('codes', () => {
  it('use 31 characters and none of 0, O, 1, I, L', () => {
    expect(CODE_ALPHABET).toHaveLength(31);
    expect(new Set(CODE_ALPHABET).size).toBe(31);
    for (const c of '0O1IL') expect(CODE_ALPHABET).not.toContain(c);
  });

  it('random codes have the asked length and only alphabet characters, and cover the alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = randomCode(MEMBER_CODE_LENGTH);
      expect(isCode(code, MEMBER_CODE_LENGTH)).toBe(true);
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(31);
  });

  it('normalise what people type: case, spaces and dashes; reject look-alikes and wrong lengths', () => {
    expect(normaliseCode(' a7k-2qx ', 6)).toBe('A7K2QX');
    expect(normaliseCode('A7K2Q0', 6)).toBeUndefined(); // zero
    expect(normaliseCode('A7K2QO', 6)).toBeUndefined(); // letter O
    expect(normaliseCode('A7K2Q1', 6)).toBeUndefined();
    expect(normaliseCode('A7K2QI', 6)).toBeUndefined();
    expect(normaliseCode('A7K2QL', 6)).toBeUndefined();
    expect(normaliseCode('A7K2Q', 6)).toBeUndefined();
    expect(normaliseCode('A7K2QXZ', 6)).toBeUndefined();
  });
});

describe('contacts', () => {
  it('e-mail addresses are trimmed and lower-cased', () => {
    expect(normaliseEmail('  Alice.Wong@Example.COM ')).toBe('alice.wong@example.com');
  });

  it.each([
    'alice',
    'alice@',
    '@example.com',
    'a b@example.com',
    'alice@example',
    'a@b..com',
    `${'a'.repeat(250)}@b.co`,
  ])('rejects the e-mail %s with CONTACT_INVALID', (bad) => {
    expect(() => normaliseEmail(bad)).toThrow(expect.objectContaining({ code: 'CONTACT_INVALID' }));
  });

  it('phone numbers in any international spelling become + and digits', () => {
    for (const spelling of [
      '+86 138-0013-8000',
      '+86 (138) 0013.8000',
      '008613800138000',
      '+8613800138000',
    ]) {
      expect(normalisePhone(spelling)).toBe('+8613800138000');
    }
  });

  it('national numbers need a configured country code, which replaces the trunk 0', () => {
    expect(() => normalisePhone('13800138000')).toThrow(expect.objectContaining({ code: 'CONTACT_INVALID' }));
    expect(normalisePhone('13800138000', '86')).toBe('+8613800138000');
    expect(normalisePhone('0912 345 678', '886')).toBe('+886912345678');
  });

  it.each(['+86 138 abc', '+1234567', '+1234567890123456', '+0123456789', '++8613800138000'])(
    'rejects the phone %s with CONTACT_INVALID',
    (bad) => {
      expect(() => normalisePhone(bad)).toThrow(expect.objectContaining({ code: 'CONTACT_INVALID' }));
    },
  );
});

describe('password hashes', () => {
  it('are salted, verify only the right password, and carry their cost', async () => {
    const a = await hashPassword('correct horse', 14);
    const b = await hashPassword('correct horse', 14);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$14\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(needsRehash(a, 14)).toBe(false);
    expect(needsRehash(a, 15)).toBe(true);
  });

  it('never verify against a malformed or out-of-bounds hash', async () => {
    const good = await hashPassword('pw-pw-pw-pw', 14);
    expect(await verifyPassword('pw-pw-pw-pw', good.replace('scrypt$14$', 'scrypt$30$'))).toBe(false);
    expect(await verifyPassword('pw-pw-pw-pw', 'plain')).toBe(false);
    expect(await verifyPassword('pw-pw-pw-pw', good.slice(0, -4))).toBe(false);
  });
});
