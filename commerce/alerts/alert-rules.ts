// Alert rules as data: a metric, a comparison with a threshold (systolic ≥ 180, glucose ≤ 3.0), a
// severity, whom to tell and the message they read. Staff and admins list, create and change them;
// every change appends its outbox event. The alerts consumer reads the enabled ones per reading.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { METRIC_NAMES, METRIC_RANGES, VitaliveError } from '../../protocols/index.ts';
import type { AlertRulesTable } from '../experts/tables.ts';
import { appendEvent } from '../outbox.ts';
import { requireRole } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Store } from '../store.ts';

export const ALERT_COMPARISONS = ['gte', 'lte'] as const;
export const ALERT_SEVERITIES = ['info', 'warning', 'urgent'] as const;
/** The person's expert(s), the staff of their clinics, and a neutral task for the follow-up owner. */
export const ALERT_AUDIENCES = ['expert', 'clinic_staff', 'follow_up_owner'] as const;
export type AlertAudience = (typeof ALERT_AUDIENCES)[number];
/** Every reading of a consenting person is checked against all enabled rules: keep them few. */
export const ALERT_RULES_MAX = 100;

export interface AlertRule {
  ruleId: string;
  metric: string;
  comparison: (typeof ALERT_COMPARISONS)[number];
  threshold: number;
  severity: (typeof ALERT_SEVERITIES)[number];
  notify: AlertAudience[];
  message: string;
  enabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export type NewAlertRule = Omit<AlertRule, 'ruleId' | 'createdAtMs' | 'updatedAtMs' | 'enabled'> & {
  enabled?: boolean | undefined;
};

export function toAlertRule(r: Selectable<AlertRulesTable>): AlertRule {
  return {
    ruleId: r.id,
    metric: r.metric,
    comparison: r.comparison as AlertRule['comparison'],
    threshold: Number(r.threshold),
    severity: r.severity as AlertRule['severity'],
    notify: JSON.parse(r.notify) as AlertAudience[],
    message: r.message,
    enabled: Number(r.enabled) === 1,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

/** Whether a value trips the rule. */
export function trips(rule: Pick<AlertRule, 'comparison' | 'threshold'>, value: number): boolean {
  return rule.comparison === 'gte' ? value >= rule.threshold : value <= rule.threshold;
}

/** A device metric, a threshold inside its physical range, at least one audience, a message. */
function check(r: NewAlertRule): void {
  if (!METRIC_NAMES.includes(r.metric))
    throw new VitaliveError('VALIDATION_FAILED', {
      reason: `unknown metric ${String(r.metric).slice(0, 40)}`,
    });
  const range = Object.values(METRIC_RANGES).find((m) => m.name === r.metric)!;
  if (!Number.isFinite(r.threshold) || r.threshold < range.min || r.threshold > range.max)
    throw new VitaliveError('METRIC_RANGE_INVALID', { metric: r.metric, lower: range.min, upper: range.max });
  if (r.notify.length === 0) throw new VitaliveError('VALIDATION_FAILED', { reason: 'notify names someone' });
  if (r.message.trim() === '') throw new VitaliveError('VALIDATION_FAILED', { reason: 'message is empty' });
}

export class AlertRules {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(actor: Actor): Promise<AlertRule[]> {
    requireRole(actor, 'admin', 'staff');
    const rows = await this.#store.db
      .selectFrom('alert_rules')
      .selectAll()
      .orderBy('metric')
      .orderBy('created_at_ms')
      .execute();
    return rows.map(toAlertRule);
  }

  async create(actor: Actor, input: NewAlertRule, nowMs = Date.now()): Promise<AlertRule> {
    requireRole(actor, 'admin', 'staff');
    check(input);
    return this.#store.transaction(async (trx) => {
      const n = await trx
        .selectFrom('alert_rules')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= ALERT_RULES_MAX)
        throw new VitaliveError('CONFLICT', { reason: `at most ${ALERT_RULES_MAX} alert rules` });
      const row = {
        id: randomUUID(),
        metric: input.metric,
        comparison: input.comparison,
        threshold: input.threshold,
        severity: input.severity,
        notify: JSON.stringify([...new Set(input.notify)]),
        message: input.message.trim(),
        enabled: input.enabled === false ? 0 : 1,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      await trx.insertInto('alert_rules').values(row).execute();
      await appendEvent(
        trx,
        { type: 'alert_rule.created', aggregateId: row.id, payload: { ruleId: row.id, by: actor.personId } },
        nowMs,
      );
      return toAlertRule(row);
    });
  }

  async update(
    actor: Actor,
    ruleId: string,
    patch: Partial<NewAlertRule>,
    nowMs = Date.now(),
  ): Promise<AlertRule> {
    requireRole(actor, 'admin', 'staff');
    return this.#store.transaction(async (trx) => {
      const row = await trx.selectFrom('alert_rules').selectAll().where('id', '=', ruleId).executeTakeFirst();
      if (!row) throw new VitaliveError('NOT_FOUND', { what: 'alert rule' });
      const current = toAlertRule(row);
      const next = { ...current, ...patch };
      check(next);
      await trx
        .updateTable('alert_rules')
        .set({
          metric: next.metric,
          comparison: next.comparison,
          threshold: next.threshold,
          severity: next.severity,
          notify: JSON.stringify([...new Set(next.notify)]),
          message: next.message.trim(),
          enabled: next.enabled ? 1 : 0,
          updated_at_ms: nowMs,
        })
        .where('id', '=', ruleId)
        .execute();
      await appendEvent(
        trx,
        { type: 'alert_rule.updated', aggregateId: ruleId, payload: { ruleId, by: actor.personId } },
        nowMs,
      );
      return toAlertRule(
        await trx.selectFrom('alert_rules').selectAll().where('id', '=', ruleId).executeTakeFirstOrThrow(),
      );
    });
  }
}
