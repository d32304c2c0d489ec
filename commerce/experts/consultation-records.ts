// What each party reads of consultations, and what the expert writes after one. The person reads their
// own (with the summary and the recommended products); the expert their schedule, their notes and the
// people who booked them; staff the notes only with the person's health-data consent, every read
// audited; a channel manager following the person that it took place and the products, never notes.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { isStaff } from '../people/access-scope.ts';
import { healthDataConsent } from '../people/lookups.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { auditRead, bookedWith, isExpertNow, loadConsultation } from './access.ts';
import { type Consultation, toConsultation } from './consultations.ts';

export interface ConsultationNotesInput {
  notes: string;
  summary: string;
  recommendedProductIds: string[];
}

export interface ConsultationView extends Consultation {
  expertName: string | null;
  /** The person's own summary; for the person, the expert and consenting staff reads. */
  summary?: string | null;
  /** The expert's notes: the expert, and staff with consent (audited). */
  notes?: string | null;
  recommendedProductIds: string[];
}

export interface RecommendedProduct {
  productId: string;
  titles: Record<string, string>;
  consultationId: string;
  expertName: string | null;
  atMs: number;
}

export interface PersonTimeline {
  personId: string;
  displayName: string;
  memberCode: string;
  healthDataConsent: boolean;
  consultations: ConsultationView[];
  orders: Array<{
    orderId: string;
    status: string;
    totalMinor: number;
    currency: string;
    createdAtMs: number;
  }>;
  /** Present only with consent (the read is audited). */
  readings?: Array<{ metric: string; value: number; measuredAtMs: number }>;
}

/** Most recommended products on one consultation. */
export const MAX_RECOMMENDED = 20;

type Db = Kysely<Database>;

async function notesOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, { notes: string; summary: string; products: string[] }>();
  const rows = await db
    .selectFrom('consultation_notes')
    .selectAll()
    .where('consultation_id', 'in', [...ids])
    .execute();
  return new Map(
    rows.map((r) => [
      r.consultation_id,
      { notes: r.notes, summary: r.summary, products: JSON.parse(r.recommended_products) as string[] },
    ]),
  );
}

async function expertNames(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('expert_profiles')
    .select(['person_id', 'name'])
    .where('person_id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.person_id, r.name]));
}

type Visibility = 'full' | 'summary' | 'outcome';

async function views(
  db: Db,
  rows: Consultation[],
  see: (c: Consultation) => Visibility,
): Promise<ConsultationView[]> {
  const notes = await notesOf(
    db,
    rows.map((c) => c.consultationId),
  );
  const names = await expertNames(
    db,
    rows.map((c) => c.expertId),
  );
  return rows.map((c) => {
    const n = notes.get(c.consultationId);
    const level = see(c);
    return {
      ...c,
      expertName: names.get(c.expertId) ?? null,
      recommendedProductIds: n?.products ?? [],
      ...(level !== 'outcome' ? { summary: n?.summary ?? null } : {}),
      ...(level === 'full' ? { notes: n?.notes ?? null } : {}),
    };
  });
}

export class ConsultationRecords {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The actor's own consultations, newest first, with summaries and recommendations. */
  async mine(actor: Actor): Promise<ConsultationView[]> {
    const rows = await this.#store.db
      .selectFrom('consultations')
      .selectAll()
      .where('person_id', '=', actor.personId)
      .orderBy('starts_at_ms', 'desc')
      .limit(100)
      .execute();
    return views(this.#store.db, rows.map(toConsultation), () => 'summary');
  }

  /** An expert's consultations starting in [fromMs, toMs), with each person's name. */
  async schedule(
    actor: Actor,
    fromMs: number,
    toMs: number,
  ): Promise<Array<ConsultationView & { personName: string }>> {
    if (!actor.roles.includes('expert'))
      throw new VitaliveError('FORBIDDEN', { reason: 'requires role expert' });
    if (!(toMs > fromMs) || toMs - fromMs > 31 * 86_400_000)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'range is 1 ms to 31 days, from before to' });
    const rows = await this.#store.db
      .selectFrom('consultations as c')
      .innerJoin('people as p', 'p.id', 'c.person_id')
      .selectAll('c')
      .select('p.display_name')
      .where('c.expert_id', '=', actor.personId)
      .where('c.starts_at_ms', '>=', fromMs)
      .where('c.starts_at_ms', '<', toMs)
      .orderBy('c.starts_at_ms')
      .execute();
    const list = await views(this.#store.db, rows.map(toConsultation), () => 'full');
    return list.map((v, i) => ({ ...v, personName: rows[i]!.display_name }));
  }

  /** One consultation as the actor may see it (staff reads of notes need consent and are audited). */
  async detail(actor: Actor, consultationId: string): Promise<ConsultationView> {
    const db = this.#store.db;
    const { row, relation } = await loadConsultation(db, actor, consultationId);
    let level: Visibility = 'outcome';
    if (relation === 'expert') level = 'full';
    else if (relation === 'person') level = 'summary';
    else if (relation === 'staff') {
      const consent = await healthDataConsent(this.#store, row.person_id);
      if (consent?.granted) {
        level = 'full';
        await auditRead(db, actor.personId, row.person_id, 'read_notes');
      }
    }
    const [view] = await views(db, [toConsultation(row)], () => level);
    return view!;
  }

  /** The expert of the consultation writes (or rewrites) notes, the person's summary and products. */
  async writeNotes(actor: Actor, consultationId: string, input: ConsultationNotesInput, nowMs = Date.now()) {
    const { row, relation } = await loadConsultation(this.#store.db, actor, consultationId);
    if (relation !== 'expert')
      throw new VitaliveError('FORBIDDEN', { reason: 'notes are written by the consultation’s expert' });
    if (row.status === 'cancelled' || row.status === 'no_show')
      throw new VitaliveError('CONSULTATION_STATE_INVALID', { status: row.status, action: 'write notes' });
    const products = [...new Set(input.recommendedProductIds)];
    if (products.length > MAX_RECOMMENDED)
      throw new VitaliveError('VALIDATION_FAILED', { reason: `at most ${MAX_RECOMMENDED} products` });
    return this.#store.transaction(async (trx) => {
      if (products.length > 0) {
        const found = await trx.selectFrom('products').select('id').where('id', 'in', products).execute();
        if (found.length !== products.length) throw new VitaliveError('NOT_FOUND', { what: 'product' });
      }
      const values = {
        notes: input.notes,
        summary: input.summary,
        recommended_products: JSON.stringify(products),
        author_id: actor.personId,
        updated_at_ms: nowMs,
      };
      await trx
        .insertInto('consultation_notes')
        .values({ consultation_id: row.id, ...values })
        .onConflict((oc) => oc.column('consultation_id').doUpdateSet(values))
        .execute();
      // Who and what was recommended: never the notes or the summary (they stay out of the outbox).
      await appendEvent(
        trx,
        {
          type: 'consultation.notes_written',
          aggregateId: row.id,
          payload: {
            consultationId: row.id,
            personId: row.person_id,
            expertId: row.expert_id,
            productIds: products,
          },
        },
        nowMs,
      );
      const [view] = await views(trx, [toConsultation(row)], () => 'full');
      return view!;
    });
  }

  /** "Recommended by your expert": products from the actor's consultations, newest first, once each. */
  /** The session's shown cards whose product the person's expert recommended (their own, no consent needed). */
  async pickedCards(personId: string, sessionId: string): Promise<string[]> {
    const picks = await this.recommendedFor(personId);
    if (picks.length === 0) return [];
    const cards = await this.#store.db
      .selectFrom('cards')
      .innerJoin('skus', 'skus.id', 'cards.sku_id')
      .select('cards.id')
      .where('cards.session_id', '=', sessionId)
      // A draft card has never been shown: it is the host's, not the viewers'.
      .where('cards.state', 'in', ['pinned', 'unpinned'])
      .where(
        'skus.product_id',
        'in',
        picks.map((p) => p.productId),
      )
      .orderBy('cards.created_at_ms')
      .execute();
    return cards.map((c) => c.id);
  }

  async recommendedFor(personId: string): Promise<RecommendedProduct[]> {
    const db = this.#store.db;
    const rows = await db
      .selectFrom('consultation_notes as n')
      .innerJoin('consultations as c', 'c.id', 'n.consultation_id')
      .select(['n.consultation_id', 'n.recommended_products', 'n.updated_at_ms', 'c.expert_id'])
      .where('c.person_id', '=', personId)
      .where('c.status', '=', 'consulted')
      .orderBy('n.updated_at_ms', 'desc')
      .execute();
    const names = await expertNames(
      db,
      rows.map((r) => r.expert_id),
    );
    const seen = new Map<string, Omit<RecommendedProduct, 'titles'>>();
    for (const r of rows)
      for (const p of JSON.parse(r.recommended_products) as string[])
        if (!seen.has(p))
          seen.set(p, {
            productId: p,
            consultationId: r.consultation_id,
            expertName: names.get(r.expert_id) ?? null,
            atMs: Number(r.updated_at_ms),
          });
    if (seen.size === 0) return [];
    const products = await db
      .selectFrom('products')
      .select(['id', 'titles'])
      .where('id', 'in', [...seen.keys()])
      .execute();
    const titles = new Map(products.map((p) => [p.id, JSON.parse(p.titles) as Record<string, string>]));
    return [...seen.values()]
      .filter((r) => titles.has(r.productId))
      .map((r) => ({ ...r, titles: titles.get(r.productId)! }));
  }

  /**
   * A person's timeline for the expert they booked (or staff): consultations, orders, and readings only
   * with health-data consent — that read, and the notes of consultations with other experts, audited.
   */
  async timeline(actor: Actor, personId: string): Promise<PersonTimeline> {
    const db = this.#store.db;
    const staff = isStaff(actor);
    const expert = actor.roles.includes('expert') && (await isExpertNow(db, actor.personId));
    if (!staff && !(expert && (await bookedWith(db, actor.personId, personId))))
      throw new VitaliveError('NOT_FOUND', { what: 'person' });
    const person = await db
      .selectFrom('people')
      .select(['id', 'display_name', 'member_code', 'consent_health_data'])
      .where('id', '=', personId)
      .executeTakeFirst();
    if (!person) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    const consent = Number(person.consent_health_data) === 1;
    const rows = await db
      .selectFrom('consultations')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('starts_at_ms', 'desc')
      .limit(50)
      .execute();
    const own = (c: Consultation) => c.expertId === actor.personId;
    const list = rows.map(toConsultation);
    const othersNotes = consent && list.some((c) => !own(c));
    const consultations = await views(db, list, (c) => (own(c) ? 'full' : consent ? 'full' : 'outcome'));
    const orders = await db
      .selectFrom('orders')
      .select(['id', 'status', 'total_minor', 'currency', 'created_at_ms'])
      .where('person_id', '=', personId)
      .orderBy('created_at_ms', 'desc')
      .limit(50)
      .execute();
    let readings: PersonTimeline['readings'];
    if (consent) {
      await auditRead(db, actor.personId, personId, 'read_raw');
      if (othersNotes) await auditRead(db, actor.personId, personId, 'read_notes');
      const r = await db
        .selectFrom('readings')
        .select(['metric', 'value', 'measured_at_ms'])
        .where('person_id', '=', personId)
        .orderBy('measured_at_ms', 'desc')
        .limit(100)
        .execute();
      readings = r.map((x) => ({
        metric: x.metric,
        value: Number(x.value),
        measuredAtMs: Number(x.measured_at_ms),
      }));
    }
    return {
      personId,
      displayName: person.display_name,
      memberCode: person.member_code,
      healthDataConsent: consent,
      consultations,
      orders: orders.map((o) => ({
        orderId: o.id,
        status: o.status,
        totalMinor: Number(o.total_minor),
        currency: o.currency,
        createdAtMs: Number(o.created_at_ms),
      })),
      ...(readings ? { readings } : {}),
    };
  }
}
