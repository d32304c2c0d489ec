// What the /live audience needs from commerce: the batched viewer event log (feeding the live funnel),
// linking a browser's viewer id to the person who signs in, a session's current event sequence for a
// joining viewer's snapshot, and the cards flagged for a viewer from their readings.
import type { Logger } from 'pino';
import { currentSessionSeq } from '../outbox.ts';
import type { ChannelResolver } from '../rollups/live-funnel.ts';
import { type CardRecommendation, recommendCards } from '../rollups/recommendations.ts';
import type { Store } from '../store.ts';
import { linkViewer, personOfViewer, ViewerEventLog } from './event-log.ts';

export interface ViewersOptions {
  logger: Logger;
  /** Written on each viewer event row: which node saw it. */
  nodeId: string;
  channels: ChannelResolver;
}

export class Viewers {
  readonly #store: Store;
  /** Viewer events are queued and written in batches on the background connections; close() flushes. */
  readonly log: ViewerEventLog;

  constructor(store: Store, opts: ViewersOptions) {
    this.#store = store;
    this.log = new ViewerEventLog({
      db: store.background,
      logger: opts.logger,
      nodeId: opts.nodeId,
      channels: opts.channels,
    });
  }

  /** Links a viewer id to a person (first link wins); resolves with the person it is linked to. */
  link(viewerId: string, personId: string): Promise<string> {
    return linkViewer(this.#store.db, viewerId, personId);
  }

  /** The person a viewer id was linked to, or undefined. */
  personOf(viewerId: string): Promise<string | undefined> {
    return personOfViewer(this.#store.db, viewerId);
  }

  /** The sequence number of the session's latest event (0 when it has none). */
  sessionSeq(sessionId: string): Promise<number> {
    return currentSessionSeq(this.#store.db, sessionId);
  }

  /** Cards of the session flagged for the person by readings at most `maxAgeMs` old (consent-gated). */
  recommend(personId: string, sessionId: string, maxAgeMs: number): Promise<CardRecommendation[]> {
    return recommendCards(this.#store.db, personId, sessionId, { maxAgeMs });
  }
}
