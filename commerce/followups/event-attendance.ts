// An offline event's turnout: per channel, and per inviter within each channel, how many were invited,
// came, and did not come (counted once the event is NO_SHOW_AFTER_MS old). A channel manager gets only
// their own channels' rows — the inviters of another channel are as private as its people.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { NO_SHOW_AFTER_MS } from './timeline.ts';

export interface Turnout {
  invited: number;
  attended: number;
  noShow: number;
}

export interface InviterTurnout extends Turnout {
  /** Who registered the invitation (a manager or staff member). */
  personId: string;
  displayName: string | null;
}

export interface ChannelTurnout extends Turnout {
  channelId: string;
  channelName: string | null;
  inviters: InviterTurnout[];
}

export async function eventTurnout(
  db: Kysely<Database>,
  event: { id: string; startsAtMs: number },
  /** undefined: every channel (staff). */
  channelIds: readonly string[] | undefined,
  nowMs: number,
): Promise<ChannelTurnout[]> {
  if (channelIds?.length === 0) return [];
  let q = db
    .selectFrom('event_invitees as i')
    .leftJoin('event_attendance as a', (j) =>
      j.onRef('a.event_id', '=', 'i.event_id').onRef('a.person_id', '=', 'i.person_id'),
    )
    .leftJoin('people as w', 'w.id', 'i.invited_by')
    .select(['i.channel_id', 'i.invited_by', 'w.display_name'])
    .select((eb) => [eb.fn.countAll<number>().as('invited'), eb.fn.count<number>('a.at_ms').as('attended')])
    .where('i.event_id', '=', event.id)
    .groupBy(['i.channel_id', 'i.invited_by', 'w.display_name']);
  // A manager does not see invitees whose invitation is held back (people/withheld.ts).
  if (channelIds)
    q = q
      .where('i.channel_id', 'in', [...channelIds])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('people as h')
              .select('h.id')
              .whereRef('h.id', '=', 'i.person_id')
              .where('h.channel_pending', '=', 1),
          ),
        ),
      );
  const rows = await q.execute();
  const names = new Map(
    rows.length === 0
      ? []
      : (
          await db
            .selectFrom('channels')
            .select(['id', 'name'])
            .where('id', 'in', [...new Set(rows.map((r) => r.channel_id))])
            .execute()
        ).map((c) => [c.id, c.name]),
  );
  const over = event.startsAtMs + NO_SHOW_AFTER_MS <= nowMs;
  const turnout = (invited: number, attended: number): Turnout => ({
    invited,
    attended,
    noShow: over ? invited - attended : 0,
  });
  const byChannel = new Map<string, ChannelTurnout>();
  for (const r of rows) {
    const invited = Number(r.invited);
    const attended = Number(r.attended);
    const channel = byChannel.get(r.channel_id) ?? {
      channelId: r.channel_id,
      channelName: names.get(r.channel_id) ?? null,
      ...turnout(0, 0),
      inviters: [],
    };
    Object.assign(channel, turnout(channel.invited + invited, channel.attended + attended));
    channel.inviters.push({
      personId: r.invited_by,
      displayName: r.display_name,
      ...turnout(invited, attended),
    });
    byChannel.set(r.channel_id, channel);
  }
  const sorted = [...byChannel.values()].sort((a, b) => a.channelId.localeCompare(b.channelId));
  for (const c of sorted)
    c.inviters.sort((a, b) => b.invited - a.invited || a.personId.localeCompare(b.personId));
  return sorted;
}
