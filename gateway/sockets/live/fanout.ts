// Turns commerce's outbox events into /live frames. Public session events go to the session's room
// with their sequence; an order event goes to its buyer only, and the rest of the room gets a `seq:skip`
// so their sequence stays contiguous and no one mistakes a private event for a gap. The session's host
// console gets every order event with the buyer's display name and the product; /live never does.
import type { DomainEvent, EventConsumer } from '../../../commerce/index.ts';
import type { HostOrderFrame, OrderFrame } from '../../../protocols/index.ts';
import { type HostNamespace, hostPersonRoom, hostRoom } from '../host/namespace.ts';
import type { SaleLabelSource } from '../host/sale-labels.ts';
import type { LiveNamespace } from './namespace.ts';
import { personRoom, sessionRoom } from './namespace.ts';

const PUBLIC_FRAMES = {
  'card.pinned': 'card:pinned',
  'card.unpinned': 'card:unpinned',
  'card.sold_out': 'card:sold_out',
  'card.expired': 'card:unpinned',
  'card.updated': 'card:updated',
  'stock.changed': 'stock:changed',
  'session.live': 'session:state',
  'session.ended': 'session:state',
  'session.updated': 'session:state',
} as const;

/** A card that was never pinned (a draft, or one that expired as a draft) stays the host's own. */
function neverShown(event: DomainEvent): boolean {
  const card = event.payload.card as { pinnedAtMs?: unknown } | undefined;
  return event.type.startsWith('card.') && card !== undefined && card.pinnedAtMs === null;
}

function buyerOf(event: DomainEvent): string | undefined {
  const p = event.payload;
  const id = p.personId ?? p.person_id ?? p.buyerId;
  return typeof id === 'string' ? id : undefined;
}

/** A session handed to another host: the former host's consoles stop receiving its orders and counts. */
function releaseFormerHost(host: HostNamespace, event: DomainEvent): void {
  const previous = event.payload.previousHostPersonId;
  const session = event.payload.session as { hostPersonId?: unknown } | undefined;
  if (typeof previous !== 'string' || previous === session?.hostPersonId || !event.sessionId) return;
  host.in(hostPersonRoom(previous)).socketsLeave(hostRoom(event.sessionId));
}

/** Viewers get their frames; the session's host console also gets every order event, labelled. */
export function liveFanout(nsp: LiveNamespace, host: HostNamespace, labels?: SaleLabelSource): EventConsumer {
  return {
    name: 'live-fanout',
    // One node emits through the adapter, which reaches every node and feeds state recovery.
    scope: 'shared',
    async handle(event) {
      if (!event.sessionId || event.sessionSeq === null) return;
      const frame = { sessionId: event.sessionId, seq: event.sessionSeq, type: event.type, ...event.payload };
      const room = sessionRoom(event.sessionId);
      if (event.type === 'session.updated') releaseFormerHost(host, event);
      const publicName = PUBLIC_FRAMES[event.type as keyof typeof PUBLIC_FRAMES];
      if (publicName && !neverShown(event)) {
        nsp.to(room).emit(publicName, frame);
        return;
      }
      // An order event's payload is the order frame's content (commerce's orderEvent writes those fields).
      const order = frame as OrderFrame;
      const buyer = event.type.startsWith('order.') ? buyerOf(event) : undefined;
      if (event.type.startsWith('order.')) {
        const label = buyer && labels ? await labels(buyer, order.cardId) : undefined;
        const hostFrame: HostOrderFrame = label ? { ...order, ...label } : order;
        host.to(hostRoom(event.sessionId)).emit('order:new', hostFrame);
      }
      if (buyer) {
        nsp.to(personRoom(buyer)).emit('order:update', order);
        nsp
          .to(room)
          .except(personRoom(buyer))
          .emit('seq:skip', { sessionId: event.sessionId, seq: event.sessionSeq });
        return;
      }
      nsp.to(room).emit('seq:skip', { sessionId: event.sessionId, seq: event.sessionSeq });
    },
  };
}
