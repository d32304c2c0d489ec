// Row types of the message queue, the scheduler's jobs and live reminders (migration 0019-messages).
import type { Generated } from 'kysely';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';
export type DeliveryChannel = 'email' | 'sms' | 'wechat';
export type MessageReceipt = 'delivered' | 'undelivered';

export interface MessagesTable {
  id: Generated<number>;
  person_id: string;
  kind: string;
  source: string;
  channel: DeliveryChannel | null;
  locale: string | null;
  promotional: number;
  params: string;
  status: MessageStatus;
  attempts: number;
  next_attempt_at_ms: number;
  claimed_by: string | null;
  lease_until_ms: number | null;
  last_error: string | null;
  provider_id: string | null;
  created_at_ms: number;
  updated_at_ms: number;
  sent_at_ms: number | null;
  /** 0033: the provider's delivery receipt and the first click on the tracked link. */
  receipt: MessageReceipt | null;
  receipt_at_ms: number | null;
  clicked_at_ms: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  dedupe_key: string;
  due_at_ms: number;
  payload: string;
  claimed_by: string | null;
  lease_until_ms: number | null;
  attempts: number;
  last_error: string | null;
  done_at_ms: number | null;
  cancelled: number;
  created_at_ms: number;
}

export interface LiveRemindersTable {
  session_id: string;
  person_id: string;
  created_at_ms: number;
}

export interface OauthStatesTable {
  nonce: string;
  person_id: string;
  expires_at_ms: number;
  created_at_ms: number;
}

export interface ReminderCodesTable {
  id: string;
  session_id: string;
  field: 'email' | 'phone';
  contact: string;
  code_hash: string;
  tries: number;
  locale: string | null;
  created_at_ms: number;
  expires_at_ms: number;
  used_at_ms: number | null;
}

export interface HostFollowsTable {
  host_person_id: string;
  person_id: string;
  created_at_ms: number;
}
