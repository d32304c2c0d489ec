// One live as the public sees it: title, host, start in the viewer's own time zone with a countdown,
// the public line-up at list price, "remind me" (signed in, or a contact proved with a code) or a
// sign-in prompt, and "watch now" once live. Used by /lives and by a session page before it goes live.
import { useEffect, useState } from 'preact/hooks';
import type { UpcomingLive } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { formatDateTime, formatDuration, formatMoney, getLang, localised } from '../common/i18n.ts';
import { Dialog, ErrorNotice } from '../common/ui.tsx';
import { ContactRemind } from './contact-remind.tsx';
import { tv } from './messages.ts';

const DAY_MS = 24 * 3_600_000;

/** Ticks once a second while mounted; returns the server's time (the client clock corrected by `skewMs`). */
export function useNow(skewMs: number): number {
  const [now, setNow] = useState(() => Date.now() + skewMs);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now() + skewMs), 1000);
    return () => clearInterval(id);
  }, [skewMs]);
  return now;
}

export function countdownText(startMs: number, nowMs: number): string {
  const left = startMs - nowMs;
  if (left <= 0) return tv('startingSoon');
  if (left >= DAY_MS) {
    const d = Math.floor(left / DAY_MS);
    return tv('startsIn', { t: tv('days', { d, t: formatDuration(left - d * DAY_MS) }) });
  }
  return tv('startsIn', { t: formatDuration(left) });
}

/** The sharer's poster of this live, in the page's language and the viewer's time zone. */
export function posterUrl(
  sessionId: string,
  codes: { ref?: string | undefined; ch?: string | undefined },
): string {
  const q = new URLSearchParams({ lang: getLang() });
  if (codes.ref) q.set('ref', codes.ref);
  if (codes.ch) q.set('ch', codes.ch);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (tz) q.set('tz', tz);
  return `/api/live-sessions/${encodeURIComponent(sessionId)}/poster.png?${q}`;
}

/** The sessions a person asked to be reminded of: one request per person and page, shared by every button. */
let myReminders: { personId: string; ids: Promise<Set<string>> } | undefined;
function remindersOf(personId: string): Promise<Set<string>> {
  if (myReminders?.personId !== personId) {
    const ids = api
      .get<{ sessionIds: string[] }>('/api/me/live-reminders')
      .then((r) => new Set(r.sessionIds))
      .catch(() => new Set<string>());
    myReminders = { personId, ids };
  }
  return myReminders.ids;
}

export function RemindButton({ sessionId }: { sessionId: string }) {
  const session = useSession();
  const [asking, setAsking] = useState(false);
  const [reminded, setReminded] = useState(false);
  // Set through a proved contact, without signing in: shown, but not undone from this page.
  const [contactReminded, setContactReminded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const path = `/api/live-sessions/${encodeURIComponent(sessionId)}/reminder`;
  const personId = session?.person.id;
  useEffect(() => {
    if (!personId) return;
    let live = true;
    void remindersOf(personId).then((ids) => {
      if (live) setReminded(ids.has(sessionId));
    });
    return () => {
      live = false;
    };
  }, [personId, sessionId]);
  const toggle = async () => {
    if (!session) {
      setAsking(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (reminded) await api.delete(path);
      else await api.post(path);
      if (personId) {
        const ids = await remindersOf(personId);
        if (reminded) ids.delete(sessionId);
        else ids.add(sessionId);
      }
      setReminded(!reminded);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (contactReminded && !session)
    return (
      <div class="remind">
        <span class="badge ok" role="status">
          {tv('reminded')}
        </span>
      </div>
    );
  return (
    <div class="remind">
      <button
        type="button"
        class={reminded ? 'secondary' : ''}
        aria-pressed={reminded}
        disabled={busy}
        data-action="remind"
        onClick={() => void toggle()}
      >
        {reminded ? tv('cancelReminder') : tv('remindMe')}
      </button>
      {reminded && (
        <span class="badge ok" role="status">
          {tv('reminded')}
        </span>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      <Dialog open={asking && !session} title={tv('remindMe')} onClose={() => setAsking(false)}>
        <p class="notice">{tv('signInToRemind')}</p>
        <AuthForms onDone={() => setAsking(false)} />
        <ContactRemind
          sessionId={sessionId}
          onDone={() => {
            setAsking(false);
            setContactReminded(true);
          }}
        />
      </Dialog>
    </div>
  );
}

export function Lineup({ lineup }: { lineup: UpcomingLive['lineup'] }) {
  if (lineup === null) return <p class="hint">{tv('lineupHidden')}</p>;
  if (lineup.length === 0) return null;
  return (
    <section class="lineup" aria-label={tv('lineup')}>
      <h3>{tv('lineup')}</h3>
      <ul>
        {lineup.map((p) => (
          <li key={p.skuId}>
            <span>{localised(p.titles)}</span>
            <span class="price">{formatMoney(p.listPriceMinor, p.currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function LiveItem({
  live,
  nowMs,
  onPage,
  codes = {},
}: {
  live: UpcomingLive;
  nowMs: number;
  /** On the session's own page: no link to it, the heading is the page's. */
  onPage?: boolean;
  codes?: { ref?: string | undefined; ch?: string | undefined };
}) {
  const session = useSession();
  const isLive = live.state === 'live';
  // A signed-in member shares their own poster (their referral code); a visitor passes on the link's.
  const shareCodes = session ? { ref: session.person.referralCode } : codes;
  const href = `/live/${encodeURIComponent(live.sessionId)}`;
  return (
    <article class="live-item" data-session-id={live.sessionId} data-state={live.state}>
      <header>
        {onPage ? (
          <h2>{live.title}</h2>
        ) : (
          <h2>
            <a href={href}>{live.title}</a>
          </h2>
        )}
        {isLive && <span class="badge live-badge">{tv('liveNow')}</span>}
      </header>
      <p class="host">{tv('host', { name: live.hostName })}</p>
      {!isLive && live.scheduledAtMs !== null && (
        <p class="when">
          <time dateTime={new Date(live.scheduledAtMs).toISOString()}>
            {tv('startsAt', { when: formatDateTime(live.scheduledAtMs) })}
          </time>
          <span class="countdown" role="timer">
            {countdownText(live.scheduledAtMs, nowMs)}
          </span>
        </p>
      )}
      <Lineup lineup={live.lineup} />
      <div class="actions">
        {isLive ? (
          !onPage && (
            <a class="button" href={href}>
              {tv('watchNow')}
            </a>
          )
        ) : (
          <RemindButton sessionId={live.sessionId} />
        )}
        <a
          class="button secondary"
          href={posterUrl(live.sessionId, shareCodes)}
          target="_blank"
          rel="noopener"
        >
          {tv('share')}
        </a>
      </div>
    </article>
  );
}
