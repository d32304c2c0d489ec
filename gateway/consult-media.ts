// Video consultations on a media-enabled node: the consultation rooms on this node's workers, the
// /consult namespace over them, and the outbox consumer that closes a consultation's room here when it
// is cancelled, moved or over (node-scoped: rooms live in each process).
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { ConsultationVideo, EventConsumer } from '../commerce/index.ts';
import { ConsultationRooms, type WorkerPool } from '../media/index.ts';
import type { ConsultationPasses } from './auth/index.ts';
import type { SocketAccess } from './sockets/access.ts';
import { type ConsultNamespace, registerConsultNamespace } from './sockets/consult/namespace.ts';
import type { SocketCounters } from './sockets/validate.ts';

export interface ConsultMedia {
  readonly rooms: ConsultationRooms;
  readonly counters: SocketCounters;
  /** Closes a consultation's room on this node when the booking stops being open. */
  readonly consumer: EventConsumer;
  close(): void;
}

const ENDING = new Set([
  'consultation.cancelled',
  'consultation.changed',
  'consultation.consulted',
  'consultation.no_show',
]);

export function registerConsultMedia(deps: {
  io: Server;
  pool: WorkerPool;
  passes: ConsultationPasses;
  video: Pick<ConsultationVideo, 'check'>;
  access?: SocketAccess | undefined;
  logger: Logger;
}): ConsultMedia {
  const rooms = new ConsultationRooms({ pool: deps.pool, logger: deps.logger });
  const { counters } = registerConsultNamespace({
    nsp: deps.io.of('/consult') as ConsultNamespace,
    rooms,
    passes: deps.passes,
    video: deps.video,
    access: deps.access,
    logger: deps.logger,
  });
  return {
    rooms,
    counters,
    consumer: {
      name: 'consultation-rooms',
      scope: 'node',
      async handle(event) {
        if (ENDING.has(event.type)) rooms.closeRoom(event.aggregateId);
      },
    },
    close: () => rooms.close(),
  };
}
