// Row types of the follow-up tables (migration 0017-follow-ups).
import type { Generated } from 'kysely';

export interface FollowUpsTable {
  id: string;
  person_id: string;
  channel_id: string;
  owner_id: string | null;
  stage: string;
  lost_reason: string | null;
  next_due_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface FollowUpHistoryTable {
  id: Generated<number>;
  follow_up_id: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  actor_id: string | null;
  source_type: string | null;
  source_id: string | null;
  at_ms: number;
}

export interface FollowUpNotesTable {
  id: Generated<number>;
  follow_up_id: string;
  author_id: string;
  body: string;
  at_ms: number;
}

export interface FollowUpTasksTable {
  id: string;
  follow_up_id: string;
  kind: string;
  title: string | null;
  due_at_ms: number;
  assignee_id: string | null;
  next_contact: number;
  done_at_ms: number | null;
  done_by: string | null;
  created_by: string;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface FollowUpMilestonesTable {
  person_id: string;
  kind: string;
  ref_id: string;
  ref_type: string;
  at_ms: number;
  event_id: number;
}
