// The player: the live video filling its box. A stream shaped like the screen fills it (cropped a
// little); one of another shape (a landscape stream on a phone held upright) is shown whole and centred,
// over a blurred copy of itself instead of black bands. The copy is a tiny canvas redrawn once a second,
// so it costs almost nothing beside the decoder.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice, useRerender } from '../common/ui.tsx';
import { LivePlayer } from '../media/player.ts';
import { type Fit, fitFor } from './fit.ts';
import type { LiveState } from './live-state.ts';
import { tl } from './messages.ts';

const BACKDROP_PERIOD_MS = 1000;

let player: LivePlayer | undefined;
/** The page's one player (the diagnostics handle reads it). */
export const currentPlayer = () => player;

/** Keeps `fit` in step with the video's shape and its box's. */
function useFit(video: { current: HTMLVideoElement | null }): Fit {
  const [fit, setFit] = useState<Fit>('cover');
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const update = () => setFit(fitFor(v.videoWidth, v.videoHeight, v.clientWidth, v.clientHeight));
    v.addEventListener('loadedmetadata', update);
    v.addEventListener('resize', update);
    const observer = new ResizeObserver(update);
    observer.observe(v);
    return () => {
      v.removeEventListener('loadedmetadata', update);
      v.removeEventListener('resize', update);
      observer.disconnect();
    };
  }, []);
  return fit;
}

/** A blurred copy of the video behind a contained one, redrawn once a second from a tiny canvas. */
function Backdrop({ video, active }: { video: { current: HTMLVideoElement | null }; active: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!active) return;
    const draw = () => {
      const v = video.current;
      const c = canvas.current?.getContext('2d');
      if (v && c && v.readyState >= 2) c.drawImage(v, 0, 0, 16, 16);
    };
    draw();
    const id = setInterval(draw, BACKDROP_PERIOD_MS);
    return () => clearInterval(id);
  }, [active]);
  return <canvas ref={canvas} class="backdrop" width={16} height={16} hidden={!active} />;
}

export function Stage({ live, children }: { live: LiveState; children?: ComponentChildren }) {
  const video = useRef<HTMLVideoElement>(null);
  const rerender = useRerender();
  const [muted, setMuted] = useState(true);
  const fit = useFit(video);
  const sessionState = live.session?.state as string | undefined;
  useEffect(() => {
    if (!video.current || player || !live.session) return;
    player = new LivePlayer(live.sessionId, video.current, live.mediaUrl, () => live.freshMediaUrl());
    player.onChange = rerender;
  }, [live.sessionId, live.mediaUrl, live.session !== undefined]);
  useEffect(() => {
    if (sessionState === 'live') player?.play();
  }, [sessionState]);
  const status = player?.status ?? 'idle';
  let overlay = '';
  if (!live.session) overlay = '';
  else if (sessionState === 'ended' || status === 'ended') overlay = tl('ended');
  else if (sessionState === 'scheduled' || status === 'waiting') overlay = tl('notLive');
  else if (status !== 'playing') overlay = tl('connecting');
  return (
    <div class="stage-video" data-fit={fit}>
      <Backdrop video={video} active={fit === 'contain' && status === 'playing'} />
      {/* Starts muted so it may autoplay; one tap turns the sound on. */}
      <video ref={video} autoplay muted={muted} playsinline aria-label={tl('video')} />
      {overlay && (
        <p class="stage-status" role="status">
          {overlay}
        </p>
      )}
      {player?.status === 'error' && <ErrorNotice error={player.error} onRetry={() => player?.play()} />}
      {muted && status === 'playing' && (
        <button type="button" class="secondary unmute" onClick={() => setMuted(false)}>
          {tl('tapToUnmute')}
        </button>
      )}
      {children}
    </div>
  );
}
