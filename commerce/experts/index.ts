// Clinics, experts, consultations and alerts on readings: what the rest of commerce and the composition
// root use.
export { type Relation, relationTo } from './access.ts';
export { type Clinic, type ClinicInput, Clinics } from './clinics.ts';
export {
  type ConsultationNotesInput,
  ConsultationRecords,
  type ConsultationView,
  MAX_RECOMMENDED,
  type PersonTimeline,
  type RecommendedProduct,
} from './consultation-records.ts';
export {
  ConsultationVideo,
  VIDEO_CLOSES_AFTER_MS,
  VIDEO_OPENS_BEFORE_MS,
  type VideoSeat,
  type VideoSide,
} from './consultation-video.ts';
export {
  CONSULTATION_STATUSES,
  type Consultation,
  type ConsultationOptions,
  type ConsultationStatus,
  Consultations,
} from './consultations.ts';
export {
  type ExpertProfile,
  type ExpertProfileInput,
  Experts,
  MAX_SLOT_RANGE_MS,
  type SlotView,
} from './experts.ts';
export { type Availability, type LocalisedText, type Slot, slotsBetween, type WeeklyHours } from './hours.ts';
export {
  type ConsultationChange,
  type ConsultationNotice,
  type ConsultationNotifier,
  outboxConsultationNotifier,
} from './notifier.ts';
