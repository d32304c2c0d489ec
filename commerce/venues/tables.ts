// Row types of the offline-event tables (migration 0010-offline-events).

export interface OfflineEventsTable {
  id: string;
  title: string;
  venue: string;
  starts_at_ms: number;
  created_by: string;
  created_at_ms: number;
}

export interface OfflineEventChannelsTable {
  event_id: string;
  channel_id: string;
}

export interface EventInviteesTable {
  event_id: string;
  person_id: string;
  channel_id: string;
  invited_by: string;
  invited_at_ms: number;
}

export interface EventAttendanceTable {
  event_id: string;
  person_id: string;
  via: 'check_in' | 'reading';
  recorded_by: string | null;
  at_ms: number;
}
