// The buttons down the right of the video: follow the host, share the live (the link carries the
// signed-in viewer's own referral code), hearts, and the bag. A visitor tapping "follow" is asked to sign
// in first.
import { useEffect, useState } from 'preact/hooks';
import type { FollowReply as Follow } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { useSession } from '../common/auth-ui.tsx';
import { ErrorNotice } from '../common/ui.tsx';
import { tl } from './messages.ts';

export function FollowButton({
  sessionId,
  hostPersonId,
  onSignIn,
}: {
  sessionId: string;
  hostPersonId: string | undefined;
  onSignIn: () => void;
}) {
  const session = useSession();
  const [following, setFollowing] = useState<boolean>();
  const [error, setError] = useState<unknown>();
  const path = `/api/live-sessions/${encodeURIComponent(sessionId)}/follow`;
  const personId = session?.person.id;
  useEffect(() => {
    setFollowing(undefined);
    if (!personId) return;
    api.get<Follow>(path).then(
      (f) => setFollowing(f.following),
      () => undefined,
    );
  }, [personId, sessionId]);
  // A host does not follow themselves.
  if (personId && personId === hostPersonId) return null;
  const toggle = async () => {
    if (!session) return onSignIn();
    setError(undefined);
    try {
      const f = following ? await api.delete<Follow>(path) : await api.put<Follow>(path, {});
      setFollowing(f.following);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <button
        type="button"
        class={`rail-button follow ${following ? 'on' : ''}`}
        aria-pressed={following === true}
        onClick={() => void toggle()}
      >
        <span aria-hidden="true">{following ? '✓' : '+'}</span>
        {following ? tl('following') : tl('follow')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}

/** The page's link as this viewer shares it: their own referral code when signed in, else the bare link. */
export function shareUrl(sessionId: string, referralCode: string | undefined): string {
  const url = new URL(`/live/${encodeURIComponent(sessionId)}`, location.origin);
  if (referralCode) url.searchParams.set('ref', referralCode);
  return url.href;
}

export function ShareButton({ sessionId, title }: { sessionId: string; title: string }) {
  const session = useSession();
  const [shown, setShown] = useState<string>();
  const share = async () => {
    const url = shareUrl(sessionId, session?.person.referralCode);
    const text = tl('shareText', { title });
    try {
      if (navigator.share) {
        await navigator.share({ url, title: text });
        return;
      }
    } catch {
      // dismissed or refused: show the link instead
    }
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setShown(url);
    setTimeout(() => setShown(undefined), 6000);
  };
  return (
    <>
      <button type="button" class="rail-button share" onClick={() => void share()}>
        <span aria-hidden="true">↗</span>
        {tl('share')}
      </button>
      {shown && (
        <p class="share-toast" role="status">
          {tl('linkCopied')} <span class="share-url">{shown}</span>
        </p>
      )}
    </>
  );
}

/** Hearts rise from the bottom left and fade; only this viewer sees their own. */
export function HeartButton({ onHeart }: { onHeart: () => void }) {
  return (
    <button type="button" class="rail-button heart" aria-label={tl('heart')} onClick={onHeart}>
      <span aria-hidden="true">♥</span>
    </button>
  );
}

const HEART_MS = 1600;
const MAX_HEARTS = 12;

export function useHearts(): { hearts: number[]; add: () => void } {
  const [hearts, setHearts] = useState<number[]>([]);
  const add = () => {
    const id = Date.now() + Math.random();
    setHearts((h) => [...h.slice(-(MAX_HEARTS - 1)), id]);
    setTimeout(() => setHearts((h) => h.filter((x) => x !== id)), HEART_MS);
  };
  return { hearts, add };
}

export function Hearts({ hearts }: { hearts: number[] }) {
  return (
    <div class="hearts" aria-hidden="true">
      {hearts.map((id) => (
        <span key={id} class="float-heart" style={{ left: `${(id * 7919) % 40}px` }}>
          ♥
        </span>
      ))}
    </div>
  );
}
