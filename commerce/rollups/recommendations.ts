// "For your goal": which cards of a live session suit a viewer, from their recent readings, the goal
// rules (recommendation_goals: metric, range, goal; edited as data, see goal-rules.ts) and each
// product's metric ranges (catalog). A card is flagged when an enabled rule's range and the product's
// range both hold the viewer's latest value of the metric. Health data is used only with the person's
// consent: without it, nobody is flagged anything.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface CardRecommendation {
  cardId: string;
  metric: string;
  goal: string;
}

export async function recommendCards(
  db: Kysely<Database>,
  personId: string,
  sessionId: string,
  opts: { maxAgeMs: number; nowMs?: number },
): Promise<CardRecommendation[]> {
  const person = await db
    .selectFrom('people')
    .select('consent_health_data')
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person || Number(person.consent_health_data) !== 1) return [];
  const since = (opts.nowMs ?? Date.now()) - opts.maxAgeMs;
  const readings = await db
    .selectFrom('readings')
    .select(['metric', 'value'])
    .where('person_id', '=', personId)
    .where('measured_at_ms', '>=', since)
    .orderBy('measured_at_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  if (readings.length === 0) return [];
  // Latest value per metric.
  const latest = new Map<string, number>();
  for (const r of readings) if (!latest.has(r.metric)) latest.set(r.metric, Number(r.value));
  const rules = await db
    .selectFrom('recommendation_goals')
    .select(['metric', 'min_value', 'max_value', 'goal'])
    .where('enabled', '=', 1)
    .orderBy('created_at_ms')
    .orderBy('id')
    .execute();
  // The oldest rule whose range holds the viewer's latest value names the goal of that metric.
  const goals = new Map<string, string>();
  for (const r of rules) {
    const v = latest.get(r.metric);
    if (v === undefined || goals.has(r.metric)) continue;
    if (v >= Number(r.min_value) && v <= Number(r.max_value)) goals.set(r.metric, r.goal);
  }
  if (goals.size === 0) return [];
  const cards = await db
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['cards.id', 'products.metrics'])
    .where('cards.session_id', '=', sessionId)
    // A draft card has never been shown: it is the host's, not the viewers'.
    .where('cards.state', 'in', ['pinned', 'unpinned'])
    .orderBy('cards.created_at_ms')
    .execute();
  const out: CardRecommendation[] = [];
  for (const c of cards) {
    const ranges = JSON.parse(c.metrics) as Array<{ metric: string; min: number; max: number }>;
    const hit = ranges.find((r) => {
      const v = latest.get(r.metric);
      return v !== undefined && goals.has(r.metric) && v >= r.min && v <= r.max;
    });
    if (hit) out.push({ cardId: c.id, metric: hit.metric, goal: goals.get(hit.metric)! });
  }
  return out;
}
