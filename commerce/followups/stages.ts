// The follow-up stages and which facts move them. People move a follow-up to any stage (lost needs a
// reason); a fact moves it only along this table, so a fact never drags a record backwards. The stage
// and task-kind lists are part of the wire contract (protocols/http/follow-ups.ts).
import {
  FOLLOW_UP_STAGES,
  FOLLOW_UP_TASK_KINDS,
  type FollowUpStage,
  type FollowUpTaskKind,
} from '../../protocols/index.ts';

export const STAGES = FOLLOW_UP_STAGES;
export type Stage = FollowUpStage;

export function isStage(s: string): s is Stage {
  return (STAGES as readonly string[]).includes(s);
}

/**
 * Facts the system records that prove a stage: `order_paid` (the `order.paid` event),
 * `consultation_booked` (`consultation.booked`) and `consultation_held` (`consultation.consulted`).
 */
export type StageFact = 'order_paid' | 'consultation_booked' | 'consultation_held';

/** fact → [the stage it proves, the stages it moves from]. Stages not listed are left as they are. */
export const FACT_TRANSITIONS: Readonly<Record<StageFact, { to: Stage; from: readonly Stage[] }>> = {
  // A purchase proves "bought" whatever the record said, a lost prospect included.
  order_paid: { to: 'bought', from: ['new', 'contacted', 'booked', 'consulted', 'lost'] },
  consultation_booked: { to: 'booked', from: ['new', 'contacted', 'lost'] },
  consultation_held: { to: 'consulted', from: ['new', 'contacted', 'booked', 'lost'] },
};

/** The stage a fact moves a record to, or null when it leaves the record where it is. */
export function stageAfterFact(current: Stage, fact: StageFact): Stage | null {
  const t = FACT_TRANSITIONS[fact];
  return t.from.includes(current) ? t.to : null;
}

export const TASK_KINDS = FOLLOW_UP_TASK_KINDS;
export type TaskKind = FollowUpTaskKind;

export const MILESTONE_KINDS = [
  'invited',
  'attended',
  'no_show',
  'tested',
  'first_order',
  'paid',
  'referred',
  'booked',
  'consulted',
] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];
