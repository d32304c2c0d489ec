// Live moments on the replay's timeline: a wall-clock time of the live maps into the part that recorded
// it (its offset plus the time since the part started); a time in a gap maps to the start of the next
// part, and one after the end to the end.
import type { Commerce } from '../../commerce/index.ts';
import type { ReplayCardMoment } from '../../protocols/index.ts';
import type { ReplayPart } from './hls-transcode.ts';

export function replayTimeOf(parts: readonly ReplayPart[], atMs: number): number {
  for (const p of parts) {
    if (atMs < p.startedAtMs) return p.offsetSec;
    const into = (atMs - p.startedAtMs) / 1000;
    if (into <= p.durationSec) return round(p.offsetSec + into);
  }
  const last = parts.at(-1);
  return last ? round(last.offsetSec + last.durationSec) : 0;
}

export async function replayCardMoments(
  sales: Pick<Commerce['sales'], 'cardMoments'>,
  sessionId: string,
  parts: readonly ReplayPart[],
): Promise<ReplayCardMoment[]> {
  const out: ReplayCardMoment[] = [];
  const open = new Map<string, ReplayCardMoment>();
  for (const m of await sales.cardMoments(sessionId)) {
    const at = replayTimeOf(parts, m.atMs);
    if (m.type === 'pinned') {
      if (open.has(m.cardId)) continue;
      const moment: ReplayCardMoment = { cardId: m.cardId, pinnedAtSec: at, unpinnedAtSec: null };
      open.set(m.cardId, moment);
      out.push(moment);
    } else {
      const moment = open.get(m.cardId);
      if (!moment) continue;
      moment.unpinnedAtSec = at;
      open.delete(m.cardId);
    }
  }
  return out;
}

function round(sec: number): number {
  return Math.round(sec * 1000) / 1000;
}
