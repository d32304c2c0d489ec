// Loads synthetic events into a store. Through the rollups: viewer events are written with the live
// funnel applied in the same transaction (as the viewer event log does), outbox rows are appended and
// then applied by the conversion and live-funnel consumers in batches (as event delivery does). Raw only:
// the same rows without any rollup work, for the rest of the million once the time budget is spent.

import type { Kysely } from 'kysely';
import {
  applyBatch,
  applyViewerEvents,
  type ChannelResolver,
  channelIdByCode,
  channelIdOfPerson,
  channelIdsByCodes,
  channelIdsOfPeople,
  conversionRollupConsumer,
  type Database,
  type DomainEvent,
  type DomainEventType,
  liveFunnelConsumer,
} from '../../commerce/index.ts';
import type { Synthetic } from './synthetic.ts';

const channels: ChannelResolver = {
  channelOfCode: (db, code) => channelIdByCode({ db }, code),
  channelOfPerson: (db, personId) => channelIdOfPerson({ db }, personId),
  channelsOfCodes: (db, codes) => channelIdsByCodes({ db }, codes),
  channelsOfPeople: (db, personIds) => channelIdsOfPeople({ db }, personIds),
};
const consumers = [
  conversionRollupConsumer({ attributionWindowMs: 7 * 86_400_000 }),
  liveFunnelConsumer(channels),
];

export async function writeBatch(db: Kysely<Database>, batch: Synthetic[], rollups: boolean): Promise<void> {
  const viewer = batch.filter((e) => e.kind === 'viewer');
  const outbox = batch.filter((e) => e.kind === 'outbox');
  if (viewer.length > 0) {
    const rows = viewer.map((e) => ({
      session_id: e.sessionId,
      type: e.type,
      viewer_id: e.viewerId,
      person_id: e.personId,
      ref_code: null,
      ch_code: e.chCode,
      card_id: e.cardId,
      node_id: 'bench',
      at_ms: e.atMs,
    }));
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('viewer_events').values(rows).execute();
      if (rollups)
        await applyViewerEvents(
          trx,
          viewer.map((e) => ({
            sessionId: e.sessionId,
            type: e.type,
            viewerId: e.viewerId,
            personId: e.personId,
            chCode: e.chCode,
            atMs: e.atMs,
          })),
          channels,
        );
    });
  }
  if (outbox.length > 0) {
    const ids = await db
      .insertInto('outbox')
      .values(
        outbox.map((e) => ({
          type: e.type,
          aggregate_id: String(e.payload.orderId ?? e.payload.personId ?? 'x'),
          session_id: e.sessionId,
          session_seq: null,
          payload: JSON.stringify(e.payload),
          created_at_ms: e.atMs,
        })),
      )
      .returning('id')
      .execute();
    if (!rollups) return;
    const events: DomainEvent[] = outbox.map((e, i) => ({
      id: Number(ids[i]!.id),
      type: e.type as DomainEventType,
      aggregateId: 'x',
      sessionId: e.sessionId,
      sessionSeq: null,
      payload: e.payload,
      createdAtMs: e.atMs,
    }));
    for (const c of consumers) await applyBatch(db, c, c.name, events);
  }
}
