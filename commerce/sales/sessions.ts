// Live sessions: scheduled → live → ended, the host assignment, and what a viewer sees on joining. Ending
// a session takes its pinned cards down and returns their unsold units to stock, in the same transaction.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { authorisedSession, cardRows, isStaff, type SalesContext, sessionRow } from './sales-context.ts';
import type { LiveSessionsTable } from './tables.ts';
import { returnUnsoldUnits } from './unsold-units.ts';
import { type CardView, cardView, type LiveSession, sessionView } from './views.ts';

export interface NewSession {
  title: string;
  /** Staff may schedule for a host; a host schedules for themself. */
  hostPersonId?: string | undefined;
  scheduledAtMs?: number | undefined;
}

export interface SessionSnapshot {
  session: LiveSession;
  /** Pinned and sold-out cards, in pin order, with live stock. */
  cards: CardView[];
}

const VISIBLE = ['pinned', 'sold_out'] as const;

export async function createSession(
  ctx: SalesContext,
  actor: Actor,
  input: NewSession,
  nowMs = Date.now(),
): Promise<LiveSession> {
  const host = input.hostPersonId ?? actor.personId;
  if (!isStaff(actor) && (host !== actor.personId || !actor.roles.includes('host')))
    throw new VitaliveError('FORBIDDEN', {
      reason: 'hosts schedule their own sessions; staff schedule any',
    });
  const person = await ctx.store.db
    .selectFrom('people')
    .select('id')
    .where('id', '=', host)
    .executeTakeFirst();
  if (!person) throw new VitaliveError('NOT_FOUND', { what: `Person ${host}` });
  const row: Selectable<LiveSessionsTable> = {
    id: randomUUID(),
    host_person_id: host,
    title: input.title,
    state: 'scheduled',
    scheduled_at_ms: input.scheduledAtMs ?? null,
    started_at_ms: null,
    ended_at_ms: null,
    created_at_ms: nowMs,
    lineup_public: 0,
  };
  await ctx.write(async (trx) => {
    await trx.insertInto('live_sessions').values(row).execute();
    await appendEvent(trx, {
      type: 'session.created',
      aggregateId: row.id,
      sessionId: row.id,
      payload: { session: sessionView(row) },
    });
  });
  return sessionView(row);
}

export async function session(ctx: SalesContext, sessionId: string): Promise<LiveSession | undefined> {
  const row = await sessionRow(ctx.store.db, sessionId);
  return row ? sessionView(row) : undefined;
}

export async function hostOf(ctx: SalesContext, sessionId: string): Promise<string | undefined> {
  return (await sessionRow(ctx.store.db, sessionId))?.host_person_id;
}

export async function listSessions(
  ctx: SalesContext,
  opts: { state?: LiveSession['state'] | undefined; limit: number; offset: number },
) {
  let q = ctx.store.db.selectFrom('live_sessions').selectAll();
  if (opts.state) q = q.where('state', '=', opts.state);
  const rows = await q
    .orderBy('created_at_ms', 'desc')
    .orderBy('id')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return rows.map(sessionView);
}

export async function liveSessions(
  ctx: SalesContext,
): Promise<Array<{ sessionId: string; title: string; hostPersonId: string; startedAtMs: number }>> {
  const rows = await ctx.store.db
    .selectFrom('live_sessions')
    .selectAll()
    .where('state', '=', 'live')
    .orderBy('started_at_ms')
    .execute();
  return rows.map((r) => ({
    sessionId: r.id,
    title: r.title,
    hostPersonId: r.host_person_id,
    startedAtMs: Number(r.started_at_ms),
  }));
}

export async function changeHost(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  hostPersonId: string,
): Promise<LiveSession> {
  if (!isStaff(actor))
    throw new VitaliveError('FORBIDDEN', { reason: 'only staff assign the host of a session' });
  return ctx.write(async (trx) => {
    const row = await sessionRow(trx, sessionId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    if (row.state === 'ended')
      throw new VitaliveError('SESSION_STATE_INVALID', { state: row.state, action: 'change the host' });
    const person = await trx
      .selectFrom('people')
      .select('id')
      .where('id', '=', hostPersonId)
      .executeTakeFirst();
    if (!person) throw new VitaliveError('NOT_FOUND', { what: `Person ${hostPersonId}` });
    // The host console opens only for these roles, so anyone else could never run the session.
    const role = await trx
      .selectFrom('person_roles')
      .select('role')
      .where('person_id', '=', hostPersonId)
      .where('role', 'in', ['host', 'staff', 'admin'])
      .executeTakeFirst();
    if (!role) throw new VitaliveError('HOST_ROLE_REQUIRED', { personId: hostPersonId });
    if (row.host_person_id === hostPersonId) return sessionView(row);
    // Conditional on the state read above: a session that ended meanwhile keeps its host.
    const res = await trx
      .updateTable('live_sessions')
      .set({ host_person_id: hostPersonId })
      .where('id', '=', sessionId)
      .where('state', '=', row.state)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new VitaliveError('SESSION_STATE_INVALID', { state: 'changing', action: 'change the host' });
    const next = { ...row, host_person_id: hostPersonId };
    await appendEvent(trx, {
      type: 'session.updated',
      aggregateId: sessionId,
      sessionId,
      payload: { session: sessionView(next), previousHostPersonId: row.host_person_id },
    });
    return sessionView(next);
  });
}

export async function transition(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  from: LiveSession['state'],
  to: LiveSession['state'],
  action: string,
  nowMs: number,
): Promise<LiveSession> {
  return ctx.write(async (trx) => {
    const row = await authorisedSession(trx, actor, sessionId);
    if (row.state !== from) throw new VitaliveError('SESSION_STATE_INVALID', { state: row.state, action });
    const next = {
      ...row,
      state: to,
      ...(to === 'live' ? { started_at_ms: nowMs } : { ended_at_ms: nowMs }),
    };
    await trx
      .updateTable('live_sessions')
      .set({ state: to, started_at_ms: next.started_at_ms, ended_at_ms: next.ended_at_ms })
      .where('id', '=', sessionId)
      .execute();
    if (to === 'ended') {
      // Nothing stays on screen after the end: pinned cards come down with the session.
      await trx
        .updateTable('cards')
        .set({ state: 'unpinned', updated_at_ms: nowMs })
        .where('session_id', '=', sessionId)
        .where('state', '=', 'pinned')
        .execute();
      const held = await trx.selectFrom('cards').select('id').where('session_id', '=', sessionId).execute();
      await returnUnsoldUnits(
        trx,
        held.map((c) => c.id),
        nowMs,
      );
    }
    await appendEvent(trx, {
      type: to === 'live' ? 'session.live' : 'session.ended',
      aggregateId: sessionId,
      sessionId,
      payload: { session: sessionView(next) },
    });
    return sessionView(next);
  });
}

export async function snapshot(ctx: SalesContext, sessionId: string): Promise<SessionSnapshot | undefined> {
  const row = await sessionRow(ctx.store.db, sessionId);
  if (!row) return undefined;
  const cards = await cardRows(ctx.store.db, sessionId)
    .where('cards.state', 'in', [...VISIBLE])
    .orderBy('cards.pinned_at_ms')
    .execute();
  return { session: sessionView(row), cards: cards.map((c) => cardView(c, c.titles)) };
}
