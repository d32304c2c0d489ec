// The alerts consumer of `reading.recorded`: checks each reading of a person who gave health-data
// consent against the enabled alert rules, and for each rule it trips raises one alert — a row keyed by
// (reading, rule), so a resent reading (deduplicated upstream anyway) or a replayed event raises nothing
// new — with a neutral "contact this person" task on the person's follow-up and `alert.raised`, which the
// staff stream turns into a frame for the person's experts and their clinics' staff.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventConsumer } from '../events/index.ts';
import { addSystemTask } from '../followups/records.ts';
import type { DomainEvent } from '../outbox.ts';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { toAlertRule, trips } from './alert-rules.ts';

export const ALERTS_CONSUMER = 'reading-alerts';

/** What the follow-up owner reads: no metric, no value (a channel manager may own the record). */
export const ALERT_TASK_TITLE = 'Contact this person';

export function alertsConsumer(): EventConsumer {
  return { name: ALERTS_CONSUMER, scope: 'shared', handleInTransaction: evaluate };
}

async function evaluate(trx: Kysely<Database>, e: DomainEvent): Promise<void> {
  // Readings as they arrive; an old reading staff assign later is history, not news.
  if (e.type !== 'reading.recorded') return;
  const personId = typeof e.payload.personId === 'string' ? e.payload.personId : null;
  const readingId = Number(e.payload.readingId);
  if (!personId || !Number.isSafeInteger(readingId)) return;
  const person = await trx
    .selectFrom('people')
    .select('consent_health_data')
    .where('id', '=', personId)
    .executeTakeFirst();
  // Without consent nobody may act on the value: no alert at all.
  if (!person || Number(person.consent_health_data) !== 1) return;
  const reading = await trx
    .selectFrom('readings')
    .select(['metric', 'value'])
    .where('id', '=', readingId)
    .executeTakeFirst();
  if (!reading) return;
  const rules = (
    await trx
      .selectFrom('alert_rules')
      .selectAll()
      .where('metric', '=', reading.metric)
      .where('enabled', '=', 1)
      .execute()
  ).map(toAlertRule);
  for (const rule of rules) {
    if (!trips(rule, Number(reading.value))) continue;
    const alertId = randomUUID();
    const inserted = await trx
      .insertInto('reading_alerts')
      .values({
        id: alertId,
        reading_id: readingId,
        rule_id: rule.ruleId,
        person_id: personId,
        severity: rule.severity,
        at_ms: e.createdAtMs,
      })
      .onConflict((oc) => oc.columns(['reading_id', 'rule_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
    const experts =
      rule.notify.includes('expert') || rule.notify.includes('clinic_staff')
        ? await expertsOf(trx, personId)
        : [];
    const clinicStaff = rule.notify.includes('clinic_staff')
      ? await clinicStaffOf(trx, personId, experts)
      : [];
    const notifyIds = [...new Set([...(rule.notify.includes('expert') ? experts : []), ...clinicStaff])];
    const taskIds = rule.notify.includes('follow_up_owner')
      ? await addSystemTask(
          trx,
          personId,
          {
            kind: 'alert',
            title: ALERT_TASK_TITLE,
            dueAtMs: e.createdAtMs,
            source: { type: 'alert', id: alertId },
          },
          e.createdAtMs,
        )
      : [];
    await appendEvent(
      trx,
      {
        type: 'alert.raised',
        aggregateId: alertId,
        payload: {
          alertId,
          personId,
          ruleId: rule.ruleId,
          readingId,
          metric: rule.metric,
          severity: rule.severity,
          message: rule.message,
          notifyIds,
          taskIds,
          /** The reading's arrival, for the publish-to-frame latency. */
          recordedAtMs: e.createdAtMs,
        },
      },
      e.createdAtMs,
    );
  }
}

/** The experts the person booked (any consultation not cancelled). */
async function expertsOf(trx: Kysely<Database>, personId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('consultations')
    .select('expert_id')
    .distinct()
    .where('person_id', '=', personId)
    .where('status', '!=', 'cancelled')
    .execute();
  return rows.map((r) => r.expert_id);
}

/** Staff of the clinics where the person was booked, and of their experts' home clinics. */
async function clinicStaffOf(trx: Kysely<Database>, personId: string, experts: string[]): Promise<string[]> {
  const booked = await trx
    .selectFrom('consultations')
    .select('clinic_id')
    .distinct()
    .where('person_id', '=', personId)
    .where('status', '!=', 'cancelled')
    .where('clinic_id', 'is not', null)
    .execute();
  const home =
    experts.length === 0
      ? []
      : await trx
          .selectFrom('expert_profiles')
          .select('clinic_id')
          .where('person_id', 'in', experts)
          .where('clinic_id', 'is not', null)
          .execute();
  const clinics = [...new Set([...booked, ...home].map((r) => r.clinic_id!))];
  if (clinics.length === 0) return [];
  const staff = await trx
    .selectFrom('clinic_staff')
    .select('person_id')
    .distinct()
    .where('clinic_id', 'in', clinics)
    .execute();
  return staff.map((s) => s.person_id);
}
