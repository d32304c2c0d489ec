// Experts for tests: an expert with a profile open every day (30-minute slots, UTC), a product to
// recommend, and the next free slots of an expert over HTTP.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Store } from '../../commerce/internals.ts';
import type { TokenService } from '../../gateway/auth/index.ts';
import { call } from './http-call.ts';
import { type Seeded, seedPerson } from './people.ts';

const DAY_MS = 86_400_000;

/** An expert open 00:00–24:00 UTC every day, online, with 30-minute slots; profile set over HTTP. */
export async function seedExpert(
  url: string,
  store: Store,
  tokens: TokenService,
  opts: { clinicId?: string | null; displayName?: string } = {},
): Promise<Seeded> {
  const expert = await seedPerson(store, tokens, {
    roles: ['expert'],
    displayName: opts.displayName ?? 'Dr Lin',
  });
  const r = await call(url, 'PUT', `/api/experts/${expert.person.id}`, {
    token: expert.token,
    body: {
      name: opts.displayName ?? 'Dr Lin',
      specialities: ['blood-pressure'],
      languages: ['zh-Hans', 'en'],
      clinicId: opts.clinicId ?? null,
      slotMinutes: 30,
      utcOffsetMin: 0,
      weeklyHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        weekday,
        fromMin: 0,
        toMin: 1440,
        clinicId: opts.clinicId ?? null,
      })),
      daysOff: [],
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return expert;
}

/** The expert's free slots starting in the next `days` days after `afterMs`. */
export async function freeSlots(url: string, expertId: string, afterMs = Date.now(), days = 2) {
  const r = await call<{ slots: Array<{ startsAtMs: number; free: boolean; clinicId: string | null }> }>(
    url,
    'GET',
    `/api/experts/${expertId}/slots?from=${afterMs}&to=${afterMs + days * DAY_MS}`,
  );
  expect(r.status).toBe(200);
  return r.body.slots.filter((s) => s.free).map((s) => s.startsAtMs);
}

/** A product row to recommend (fixture data). */
export async function seedProduct(store: Store, title = 'Omega-3'): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  const titles = JSON.stringify({ en: title, 'zh-Hans': title, 'zh-Hant': title });
  await store.db
    .insertInto('products')
    .values({
      id,
      titles,
      descriptions: titles,
      tags: '[]',
      metrics: '[]',
      created_at_ms: now,
      updated_at_ms: now,
    })
    .execute();
  return id;
}
