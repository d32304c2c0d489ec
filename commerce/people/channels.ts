// Channels: partners who bring people in. Each has a manager (a person holding channel_manager), a
// commission rate in basis points and an invite code for links. Channels are archived, never deleted,
// because orders and commission keep pointing at them.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { ChannelsTable, Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { assertCanActOnChannel, isStaff, managedChannelIds, requireRole } from './access-scope.ts';
import { type CodeSource, INVITE_CODE_LENGTH, normaliseCode } from './codes.ts';
import type { Actor } from './person-model.ts';
import { withCodeRetry } from './unique-violation.ts';

export interface Channel {
  id: string;
  name: string;
  managerId: string | null;
  commissionBps: number;
  inviteCode: string;
  archivedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

function toChannel(row: Selectable<ChannelsTable>): Channel {
  return {
    id: row.id,
    name: row.name,
    managerId: row.manager_id,
    commissionBps: Number(row.commission_bps),
    inviteCode: row.invite_code,
    archivedAtMs: row.archived_at_ms === null ? null : Number(row.archived_at_ms),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

async function assertManager(trx: Kysely<Database>, personId: string): Promise<void> {
  const row = await trx
    .selectFrom('person_roles')
    .select('role')
    .where('person_id', '=', personId)
    .where('role', '=', 'channel_manager')
    .executeTakeFirst();
  if (!row) throw new VitaliveError('CHANNEL_MANAGER_INVALID', { personId });
}

export interface NewChannel {
  name: string;
  managerId?: string | null | undefined;
  commissionBps: number;
}

export async function createChannel(
  store: Store,
  actor: Actor,
  input: NewChannel,
  codes: CodeSource,
  nowMs: number,
): Promise<Channel> {
  requireRole(actor, 'admin', 'staff');
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      if (input.managerId) await assertManager(trx, input.managerId);
      const row = {
        id: randomUUID(),
        name: input.name,
        manager_id: input.managerId ?? null,
        commission_bps: input.commissionBps,
        invite_code: codes(INVITE_CODE_LENGTH),
        archived_at_ms: null,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      await trx.insertInto('channels').values(row).execute();
      await appendEvent(
        trx,
        {
          type: 'channel.created',
          aggregateId: row.id,
          payload: {
            channelId: row.id,
            managerId: row.manager_id,
            commissionBps: row.commission_bps,
            by: actor.personId,
          },
        },
        nowMs,
      );
      return toChannel(row);
    }),
  );
}

async function channelRow(db: Kysely<Database>, id: string): Promise<Selectable<ChannelsTable>> {
  const row = await db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'channel' });
  return row;
}

export async function getChannel(store: Store, actor: Actor, id: string): Promise<Channel> {
  await assertCanActOnChannel(store.db, actor, id);
  return toChannel(await channelRow(store.db, id));
}

/** Staff see every channel; a channel manager sees their own. */
export async function listChannels(
  store: Store,
  actor: Actor,
  opts: { includeArchived: boolean },
): Promise<Channel[]> {
  let q = store.db.selectFrom('channels').selectAll().orderBy('created_at_ms').orderBy('id');
  if (!isStaff(actor)) {
    requireRole(actor, 'channel_manager');
    const own = await managedChannelIds(store.db, actor);
    if (own.length === 0) return [];
    q = q.where('id', 'in', own);
  }
  if (!opts.includeArchived) q = q.where('archived_at_ms', 'is', null);
  return (await q.execute()).map(toChannel);
}

export interface ChannelPatch {
  name?: string | undefined;
  managerId?: string | null | undefined;
  commissionBps?: number | undefined;
  rotateInviteCode?: boolean | undefined;
  archived?: boolean | undefined;
}

export async function updateChannel(
  store: Store,
  actor: Actor,
  id: string,
  patch: ChannelPatch,
  codes: CodeSource,
  nowMs: number,
): Promise<Channel> {
  requireRole(actor, 'admin', 'staff');
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      const row = await channelRow(trx, id);
      const set: Partial<Selectable<ChannelsTable>> = {};
      if (patch.name !== undefined && patch.name !== row.name) set.name = patch.name;
      if (patch.managerId !== undefined && patch.managerId !== row.manager_id) {
        if (patch.managerId !== null) await assertManager(trx, patch.managerId);
        set.manager_id = patch.managerId;
      }
      if (patch.commissionBps !== undefined && patch.commissionBps !== Number(row.commission_bps)) {
        set.commission_bps = patch.commissionBps;
      }
      // A leaked invite link is stopped by rotating its code; people already attributed keep their channel.
      if (patch.rotateInviteCode) set.invite_code = codes(INVITE_CODE_LENGTH);
      if (patch.archived !== undefined && patch.archived !== (row.archived_at_ms !== null)) {
        set.archived_at_ms = patch.archived ? nowMs : null;
      }
      const fields = Object.keys(set);
      if (fields.length === 0) return toChannel(row);
      await trx
        .updateTable('channels')
        .set({ ...set, updated_at_ms: nowMs })
        .where('id', '=', id)
        .execute();
      const payload: Record<string, unknown> = { channelId: id, fields, by: actor.personId };
      if (set.manager_id !== undefined) payload.managerId = set.manager_id;
      if (set.commission_bps !== undefined) payload.commissionBps = set.commission_bps;
      if (set.archived_at_ms !== undefined) payload.archived = set.archived_at_ms !== null;
      await appendEvent(trx, { type: 'channel.updated', aggregateId: id, payload }, nowMs);
      return toChannel(await channelRow(trx, id));
    }),
  );
}

/** The active channel behind an invite code from a link, or undefined. */
export async function activeChannelByInviteCode(
  db: Kysely<Database>,
  inviteCode: string,
): Promise<string | undefined> {
  const code = normaliseCode(inviteCode, INVITE_CODE_LENGTH);
  if (!code) return undefined;
  const row = await db
    .selectFrom('channels')
    .select('id')
    .where('invite_code', '=', code)
    .where('archived_at_ms', 'is', null)
    .executeTakeFirst();
  return row?.id;
}
