// The one table of outbox consumers a gateway process subscribes, in delivery order: commerce's own
// (ledger, live funnel, conversion rollups, follow-ups, alerts on readings, messaging), media rooms
// following their sessions, and the real-time fan-out and access revocation of the socket namespaces.
// Nothing else subscribes.
import type { Commerce, EventBus, EventConsumer } from '../../commerce/index.ts';
import { mediaRoomsFollowSessions } from '../live-media.ts';
import type { MediaGateway } from '../media-gateway.ts';
import type { Realtime } from '../sockets/index.ts';

export interface ConsumerSources {
  commerce: Pick<Commerce, 'consumers'>;
  /** Absent on a process without media rooms. */
  mediaGateway?: MediaGateway | undefined;
  /** Absent on a process without media rooms: closes video consultation rooms that stop being open. */
  consultMedia?: { consumer: EventConsumer } | undefined;
  /** Separate media nodes (over Redis): told when a session ends or changes host. */
  mediaNodes?: ((m: { type: 'room.close' | 'room.handOver'; sessionId: string }) => void) | undefined;
  /** Absent on a process without socket namespaces. */
  realtime?: Pick<Realtime, 'consumers'> | undefined;
  /** Finishes a live's recording when its session ends; absent where nothing is recorded. */
  recording?: EventConsumer | undefined;
}

export function outboxConsumers(sources: ConsumerSources): EventConsumer[] {
  const { consumers } = sources.commerce;
  return [
    consumers.ledger,
    ...(sources.mediaGateway || sources.mediaNodes
      ? [mediaRoomsFollowSessions(sources.mediaGateway, Date.now(), sources.mediaNodes)]
      : []),
    ...(sources.consultMedia ? [sources.consultMedia.consumer] : []),
    ...(sources.recording ? [sources.recording] : []),
    ...(sources.realtime?.consumers ?? []),
    consumers.liveFunnel,
    consumers.conversionRollups,
    consumers.followUps,
    consumers.alerts,
    consumers.messaging,
  ];
}

/** Subscribes every consumer; the caller starts delivery once all are in. */
export function subscribeConsumers(events: EventBus, sources: ConsumerSources): void {
  for (const consumer of outboxConsumers(sources)) events.subscribe(consumer);
}
