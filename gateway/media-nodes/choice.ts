// Which media node a client should use for a session, from the directory: the host goes to the
// session's origin while it lives (else to the node a viewer would get, which becomes the origin when
// the host joins); a viewer to the least-loaded node with room, in its region first.
import type { MediaDirectory, PickOptions } from './directory.ts';

export function mediaNodeChoice(directory: MediaDirectory) {
  return async (
    sessionId: string,
    opts: PickOptions & { role?: 'host' | 'viewer' } = {},
  ): Promise<string | undefined> => {
    if (opts.role === 'host') {
      const origin = await directory.originOf(sessionId);
      const node = origin ? await directory.node(origin) : undefined;
      if (node) return node.url;
    }
    return (await directory.pick(opts))?.url;
  };
}
