// The host console, /host: pick or create a session, preview the camera, go live and end, sell from
// cards, watch sales and orders (naming buyers), viewers, chat and stream health. Desktop first.
import '../common/styles.css';
import './host.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Header, startApp } from '../common/app-shell.tsx';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { ErrorNotice, useRerender } from '../common/ui.tsx';
import { CardsPanel, ProductsPanel } from './cards-panel.tsx';
import { ConsoleState, type LiveSession } from './console-state.ts';
import { KnowledgePanel } from './knowledge-panel.tsx';
import { th } from './messages.ts';
import { SalesPanel } from './sales-panel.tsx';
import { SessionPicker } from './session-picker.tsx';
import { ChatModeration, OrdersFeed, StreamHealth } from './side-panels.tsx';

let current: ConsoleState | undefined;
// Test and diagnostics handle (order → feed and pin → card figures are read from here).
(window as unknown as { vitaliveHost: unknown }).vitaliveHost = {
  get console() {
    return current;
  },
};

function ShareLink({ sessionId }: { sessionId: string }) {
  const url = `${location.origin}/live/${sessionId}`;
  const [copied, setCopied] = useState(false);
  return (
    <p class="share">
      {th('shareLink')}: <a href={url}>{url}</a>{' '}
      <button
        type="button"
        class="link"
        onClick={() =>
          navigator.clipboard?.writeText(url).then(
            () => setCopied(true),
            () => undefined,
          )
        }
      >
        {copied ? th('copied') : th('copy')}
      </button>
    </p>
  );
}

function Broadcast({ state }: { state: ConsoleState }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const pub = state.publisher;
  const run = (fn: () => Promise<unknown>) => async () => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const startCamera = () =>
    pub.preview().then((s) => {
      if (video.current) video.current.srcObject = s;
    });
  useEffect(() => {
    if (video.current && pub.stream) video.current.srcObject = pub.stream;
  });
  const live = state.session.state === 'live';
  return (
    <section class="panel broadcast" aria-labelledby="broadcast-title">
      <h2 id="broadcast-title">
        {th('preview')}{' '}
        {live && pub.status === 'live' && <span class="badge bad on-air">● {th('onAir')}</span>}{' '}
        <span class="badge">{th('viewers', { n: state.viewers || state.live.viewers })}</span>
      </h2>
      <video ref={video} autoplay muted playsinline aria-label={th('preview')} />
      <div class="row-actions">
        {!pub.stream && (
          <button type="button" class="secondary" disabled={busy} onClick={run(startCamera)}>
            {th('startCamera')}
          </button>
        )}
        {state.session.state === 'scheduled' && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={run(async () => {
              await startCamera();
              await state.goLive();
            })}
          >
            {th('goLive')}
          </button>
        )}
        {live && pub.status !== 'live' && pub.status !== 'publishing' && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={run(async () => {
              await startCamera();
              await state.publisher.start(state.sessionId);
            })}
          >
            {th('goLive')}
          </button>
        )}
        {live && (
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={run(async () => {
              if (confirm(th('confirmEnd'))) await state.end();
            })}
          >
            {th('end')}
          </button>
        )}
        {pub.status === 'publishing' && <span role="status">{th('publishing')}</span>}
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      {pub.status === 'error' && (
        <ErrorNotice error={pub.error} onRetry={() => void pub.start(state.sessionId)} />
      )}
      <ShareLink sessionId={state.sessionId} />
    </section>
  );
}

function ConsoleView({ session, onBack }: { session: LiveSession; onBack: () => void }) {
  const rerender = useRerender();
  const [state] = useState(() => new ConsoleState(session));
  useEffect(() => {
    current = state;
    state.onChange = rerender;
    return () => {
      state.close();
      current = undefined;
    };
  }, [state]);
  return (
    <div class="console">
      <div class="console-head">
        <button type="button" class="link" onClick={onBack}>
          ← {th('back')}
        </button>
        <h2>
          {state.session.title} <span class="badge">{th(`state_${state.session.state}`)}</span>
        </h2>
      </div>
      <div class="console-grid">
        <div class="col">
          <Broadcast state={state} />
          <StreamHealth state={state} />
        </div>
        <div class="col">
          <CardsPanel state={state} />
          <ProductsPanel state={state} />
        </div>
        <div class="col">
          <SalesPanel state={state} />
          <OrdersFeed state={state} />
          <ChatModeration state={state} />
          <KnowledgePanel state={state} />
        </div>
      </div>
    </div>
  );
}

function HostApp() {
  const session = useSession();
  const [picked, setPicked] = useState<LiveSession>();
  const allowed = session?.person.roles.some((r) => r === 'host' || r === 'staff' || r === 'admin');
  return (
    <>
      <Header title={th('title')} />
      <main>
        {!session || !allowed ? (
          <div class="panel narrow">
            <p class="notice">{th('needHost')}</p>
            {!session && <AuthForms />}
          </div>
        ) : picked ? (
          <ConsoleView key={picked.sessionId} session={picked} onBack={() => setPicked(undefined)} />
        ) : (
          <SessionPicker onPick={setPicked} />
        )}
      </main>
    </>
  );
}

void startApp(HostApp);
