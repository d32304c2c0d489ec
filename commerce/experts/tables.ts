// Row types of the clinic, expert and consultation tables (0023-experts) and of alerts on readings
// (0024-reading-alerts).

export interface ClinicsTable {
  id: string;
  name: string;
  address: string;
  opening_hours: string;
  utc_offset_min: number;
  archived: number;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface ClinicStaffTable {
  clinic_id: string;
  person_id: string;
}

export interface ExpertProfilesTable {
  person_id: string;
  name: string;
  specialities: string;
  languages: string;
  clinic_id: string | null;
  slot_minutes: number;
  utc_offset_min: number;
  weekly_hours: string;
  days_off: string;
  updated_at_ms: number;
}

export interface ConsultationsTable {
  id: string;
  expert_id: string;
  person_id: string;
  clinic_id: string | null;
  starts_at_ms: number;
  ends_at_ms: number;
  status: string;
  holds_slot: number | null;
  channel_id: string | null;
  booked_by: string;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface ConsultationNotesTable {
  consultation_id: string;
  notes: string;
  summary: string;
  recommended_products: string;
  author_id: string;
  updated_at_ms: number;
}

export interface AlertRulesTable {
  id: string;
  metric: string;
  comparison: string;
  threshold: number;
  severity: string;
  notify: string;
  message: string;
  enabled: number;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface ReadingAlertsTable {
  id: string;
  reading_id: number;
  rule_id: string;
  person_id: string;
  severity: string;
  at_ms: number;
}
