// What the member and the expert must be told about a consultation (booked, changed, cancelled, and the
// outcome), as a port: the default records it as outbox events in the change's own transaction, which a
// messaging consumer turns into messages and reminders; nothing is sent from here.
import type { Kysely } from 'kysely';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';

export type ConsultationChange = 'booked' | 'changed' | 'cancelled' | 'consulted' | 'no_show';

export interface ConsultationNotice {
  change: ConsultationChange;
  consultationId: string;
  personId: string;
  expertId: string;
  /** Null: online. */
  clinicId: string | null;
  startsAtMs: number;
  endsAtMs: number;
  /** The person's channel when booked (null: none), for follow-ups and conversion figures. */
  channelId: string | null;
  /** Who made the change. */
  by: string;
  /** Set on `changed`: the start it had before. */
  previousStartsAtMs?: number | undefined;
}

export interface ConsultationNotifier {
  /** Runs inside the change's transaction, so a notice exists exactly when the change committed. */
  record(trx: Kysely<Database>, notice: ConsultationNotice, nowMs: number): Promise<void>;
}

/** consultation.booked | changed | cancelled | consulted | no_show on the outbox. */
export const outboxConsultationNotifier: ConsultationNotifier = {
  async record(trx, notice, nowMs) {
    const { change, ...payload } = notice;
    await appendEvent(
      trx,
      { type: `consultation.${change}`, aggregateId: notice.consultationId, payload: { ...payload } },
      nowMs,
    );
  },
};
