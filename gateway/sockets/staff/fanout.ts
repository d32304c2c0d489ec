// Turns commerce's follow-up events into /staff frames, so an open follow-up list moves without a
// reload. Each frame goes to staff, the managers of the record's channel and the record's owner — never
// to another channel's manager; a `tested` milestone reveals that someone took a test, which a channel
// manager learns only with the person's consent, so it reaches staff alone.
import type { DomainEvent, EventConsumer } from '../../../commerce/index.ts';
import type { FollowUpFrame } from '../../../protocols/index.ts';
import { channelRoom, managerRoom, STAFF_ROOM } from './audiences.ts';
import type { StaffNamespace } from './types.ts';

const CHANGES: ReadonlySet<string> = new Set<FollowUpFrame['change']>([
  'created',
  'stage_changed',
  'owner_changed',
  'milestone',
  'note_added',
  'task_added',
  'task_done',
  'task_undone',
]);

/** Milestones whose mere arrival is health data (see ARCHITECTURE, "Health data and access"). */
const STAFF_ONLY_MILESTONES: ReadonlySet<string> = new Set(['tested']);

export interface AddressedFrame {
  frame: FollowUpFrame;
  /** The record's owner after this change, if any. */
  ownerId: string | null;
  staffOnly: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The frames one outbox event makes (a milestone touches every current record of the person). */
export function followUpFrames(event: DomainEvent): AddressedFrame[] {
  if (!event.type.startsWith('follow_up.')) return [];
  const change = event.type.slice('follow_up.'.length);
  if (!CHANGES.has(change)) return [];
  const p = event.payload;
  const personId = str(p.personId);
  if (!personId) return [];
  if (change === 'milestone') {
    const ids = Array.isArray(p.followUpIds) ? p.followUpIds : [];
    const channels = Array.isArray(p.channelIds) ? p.channelIds : [];
    const owners = Array.isArray(p.ownerIds) ? p.ownerIds : [];
    const milestone = str(p.kind) ?? 'unknown';
    return ids.flatMap((id, i) => {
      const followUpId = str(id);
      const channelId = str(channels[i]);
      if (!followUpId || !channelId) return [];
      return [
        {
          frame: { followUpId, personId, channelId, change: 'milestone', milestone, atMs: event.createdAtMs },
          ownerId: str(owners[i]) ?? null,
          staffOnly: STAFF_ONLY_MILESTONES.has(milestone),
        },
      ];
    });
  }
  const followUpId = str(p.followUpId);
  const channelId = str(p.channelId);
  if (!followUpId || !channelId) return [];
  const frame: FollowUpFrame = {
    followUpId,
    personId,
    channelId,
    change: change as FollowUpFrame['change'],
    atMs: event.createdAtMs,
  };
  if (change === 'stage_changed' && str(p.to)) frame.stage = str(p.to);
  if (change === 'created' && str(p.stage)) frame.stage = str(p.stage);
  // After an owner change the new owner is told; the former one no longer reaches the record.
  const ownerId = change === 'owner_changed' ? (str(p.to) ?? null) : (str(p.ownerId) ?? null);
  return [{ frame, ownerId, staffOnly: false }];
}

/** The /staff rooms a frame goes to. */
export function roomsFor(a: AddressedFrame): string[] {
  if (a.staffOnly) return [STAFF_ROOM];
  const rooms = [STAFF_ROOM, channelRoom(a.frame.channelId)];
  if (a.ownerId) rooms.push(managerRoom(a.ownerId));
  return rooms;
}

export function staffFanout(nsp: StaffNamespace): EventConsumer {
  return {
    name: 'staff-fanout',
    // One node emits through the adapter, which reaches the sockets on every node.
    scope: 'shared',
    async handle(event) {
      // One emit to several rooms reaches a socket once, even when it is in more than one of them.
      for (const a of followUpFrames(event)) nsp.to(roomsFor(a)).emit('staff:follow-up', a.frame);
    },
  };
}
