// Errors from mediasoup calls, turned into coded errors at the room's edge.
import { VitaliveError } from '../protocols/index.ts';

/** mediasoup rejects bad parameters with TypeError/Error: those are the client's fault here. */
export function asCoded(err: unknown): VitaliveError {
  if (err instanceof VitaliveError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'InvalidStateError' || name === 'WorkerClosedError') {
    return new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
  }
  const reason = err instanceof Error ? err.message.slice(0, 200) : 'rejected';
  return new VitaliveError('MEDIA_INVALID_PARAMETERS', { reason });
}
