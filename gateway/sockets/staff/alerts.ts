// Alerts on readings reach people, never a role: every /staff socket joins its person's alert room, and
// an `alert.raised` event becomes a `staff:alert` frame in the rooms of the people the alert names.
// Experts connect only for this: they get no dashboard figures.
import type { Namespace } from 'socket.io';
import type { EventConsumer } from '../../../commerce/index.ts';
import type { StaffAlertFrame } from '../../../protocols/index.ts';

export const alertRoom = (personId: string) => `alerts:${personId}`;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * `alert.raised` → a `staff:alert` frame to each person the alert names, on every node (each tells its
 * own sockets). The rule's audiences were resolved by commerce when it raised the alert.
 */
export function staffAlertFanout(nsp: Pick<Namespace, 'local'>): EventConsumer {
  return {
    name: 'staff-alerts',
    scope: 'node',
    async handle(event) {
      if (event.type !== 'alert.raised') return;
      const p = event.payload;
      const frame: StaffAlertFrame = {
        alertId: str(p.alertId),
        personId: str(p.personId),
        metric: str(p.metric),
        severity: (str(p.severity) || 'info') as StaffAlertFrame['severity'],
        message: str(p.message),
        recordedAtMs: Number(p.recordedAtMs) || event.createdAtMs,
      };
      const ids = Array.isArray(p.notifyIds)
        ? p.notifyIds.filter((x): x is string => typeof x === 'string')
        : [];
      for (const id of ids) nsp.local.to(alertRoom(id)).emit('staff:alert', frame);
    },
  };
}
