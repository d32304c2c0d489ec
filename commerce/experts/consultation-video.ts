// Who may sit in a consultation's video call, and when: only its member and its expert (the expert
// while they still hold the role), only while it is booked, online, and from shortly before its start
// until shortly after its end. seat() answers the request for a pass; check() is asked again when the
// pass is used, so a cancelled, moved or finished booking, or a demoted expert, is refused even with a
// pass still in date.
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { isExpertNow, loadConsultation } from './access.ts';
import type { ConsultationsTable } from './tables.ts';

/** The call opens this long before the start (people arrive early)… */
export const VIDEO_OPENS_BEFORE_MS = 10 * 60_000;
/** …and closes this long after the end (a consultation that runs over is not cut off at once). */
export const VIDEO_CLOSES_AFTER_MS = 15 * 60_000;

export type VideoSide = 'member' | 'expert';

export interface VideoSeat {
  consultationId: string;
  personId: string;
  side: VideoSide;
  /** The booking's start when the seat was given: a move makes older passes useless. */
  startsAtMs: number;
  opensAtMs: number;
  closesAtMs: number;
  /** The member, so the expert's page can show their readings (read through the audited timeline). */
  memberId: string;
}

const closed = (reason: string) => new VitaliveError('CONSULTATION_VIDEO_CLOSED', { reason });

function assertOpen(
  row: Selectable<ConsultationsTable>,
  nowMs: number,
): { opensAtMs: number; closesAtMs: number } {
  if (row.status !== 'booked') throw closed(`it is ${row.status}`);
  if (row.clinic_id !== null) throw closed('it takes place at a clinic');
  const opensAtMs = Number(row.starts_at_ms) - VIDEO_OPENS_BEFORE_MS;
  const closesAtMs = Number(row.ends_at_ms) + VIDEO_CLOSES_AFTER_MS;
  if (nowMs < opensAtMs) throw closed('it has not opened yet');
  if (nowMs >= closesAtMs) throw closed('it is over');
  return { opensAtMs, closesAtMs };
}

async function sideOf(
  db: Kysely<Database>,
  personId: string,
  roles: readonly string[] | undefined,
  row: Selectable<ConsultationsTable>,
): Promise<VideoSide | undefined> {
  if (personId === row.person_id) return 'member';
  if (personId !== row.expert_id) return undefined;
  // Read from the store: a demoted expert's token or pass must not outlive the role.
  if (roles && !roles.includes('expert')) return undefined;
  return (await isExpertNow(db, personId)) ? 'expert' : undefined;
}

export class ConsultationVideo {
  readonly #db: Kysely<Database>;

  constructor(store: Store) {
    this.#db = store.db;
  }

  /** The caller's seat in the call. Staff and follow-up owners see the booking but do not join it. */
  async seat(actor: Actor, consultationId: string, nowMs = Date.now()): Promise<VideoSeat> {
    const { row } = await loadConsultation(this.#db, actor, consultationId);
    const side = await sideOf(this.#db, actor.personId, actor.roles, row);
    if (!side)
      throw new VitaliveError('FORBIDDEN', { reason: 'only the member and the expert join the call' });
    return {
      consultationId: row.id,
      personId: actor.personId,
      side,
      startsAtMs: Number(row.starts_at_ms),
      ...assertOpen(row, nowMs),
      memberId: row.person_id,
    };
  }

  /** A pass being used: the booking must still be open, at the same time, with this person on this side. */
  async check(
    pass: { consultationId: string; personId: string; side: VideoSide; startsAtMs: number },
    nowMs = Date.now(),
  ): Promise<void> {
    const row = await this.#db
      .selectFrom('consultations')
      .selectAll()
      .where('id', '=', pass.consultationId)
      .executeTakeFirst();
    if (!row || (await sideOf(this.#db, pass.personId, undefined, row)) !== pass.side)
      throw new VitaliveError('NOT_FOUND', { what: 'consultation' });
    assertOpen(row, nowMs);
    if (Number(row.starts_at_ms) !== pass.startsAtMs) throw closed('it was moved; open it again');
  }
}
