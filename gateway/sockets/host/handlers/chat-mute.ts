// chat:mute — the host silences a viewer for a while; the mute follows the person a viewer id is
// linked to, not just that browser.
import type { HostGuard } from '../guard.ts';
import { parseMute } from '../schemas.ts';
import type { HostNamespaceDeps } from '../types.ts';

export const chatMuteHandler = (guarded: HostGuard, deps: HostNamespaceDeps) =>
  guarded(parseMute, async (_socket, p) => {
    const personId = p.personId ?? (p.viewerId ? await deps.personOfViewer(p.viewerId) : undefined);
    await deps.chat.mute(
      p.sessionId,
      {
        ...(p.viewerId ? { viewerId: p.viewerId } : {}),
        ...(personId ? { personId } : {}),
      },
      p.durationSec * 1000,
    );
    return null;
  });
