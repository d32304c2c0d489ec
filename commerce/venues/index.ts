export {
  assertCanActForChannel,
  assertCanSeeEvent,
  type CheckIn,
  type EventInvitee,
  loadEvent,
  type NewOfflineEvent,
  type OfflineEvent,
  OfflineEvents,
} from './offline-events.ts';
