// Follow-ups (跟进): per person and channel, owner, stage, notes, tasks, milestones and history; the
// consumer that fills them from facts; trial results.
export { FOLLOW_UP_CONSUMER, followUpConsumer } from './consumer.ts';
export {
  BULK_ASSIGN_MAX,
  type ExportRow,
  type FollowUpDetail,
  FollowUps,
  MIN_PEOPLE_FOR_MANAGERS,
  type NewTask,
} from './follow-ups.ts';
export {
  type FollowUpFilter,
  type FollowUpRow,
  type FollowUpSort,
  SORTS as FOLLOW_UP_SORTS,
} from './list.ts';
export {
  FACT_TRANSITIONS,
  isStage,
  MILESTONE_KINDS,
  type MilestoneKind,
  STAGES,
  type Stage,
  type StageFact,
  stageAfterFact,
  TASK_KINDS,
  type TaskKind,
} from './stages.ts';
export type {
  EventAttendance,
  HistoryEntry,
  Milestone,
  Note,
  Task,
  TimelineParts,
  TrialView,
} from './timeline.ts';
export {
  aggregate as aggregateTrialChanges,
  type Direction,
  directionOf,
  distanceToRange,
  type MetricAggregate,
  median,
  type TrialChange,
  trialChange,
} from './trial-change.ts';
export type { ProductTrial, TrialAggregate } from './trial-results.ts';
