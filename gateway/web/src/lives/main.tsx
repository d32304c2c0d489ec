// The lives page, /lives?ref=CODE&ch=CODE: lives now and in the next 14 days, each with its host, start
// in the viewer's time zone and a countdown, the public line-up, "remind me" and "watch now". Mobile first.
import '../common/styles.css';
import './lives.css';
import type { UpcomingLives } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { Header, startApp } from '../common/app-shell.tsx';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { LiveItem, useNow } from './live-item.tsx';
import { tv } from './messages.ts';

const query = new URLSearchParams(location.search);
const codes = { ref: query.get('ref') ?? undefined, ch: query.get('ch') ?? undefined };

function List({ data }: { data: UpcomingLives & { skewMs: number } }) {
  const now = useNow(data.skewMs);
  if (data.lives.length === 0) return <p class="notice">{tv('empty')}</p>;
  return (
    <>
      {data.lives.map((live) => (
        <LiveItem key={live.sessionId} live={live} nowMs={now} codes={codes} />
      ))}
    </>
  );
}

function LivesApp() {
  const lives = useAsync(async (signal) => {
    const sent = Date.now();
    const body = await api.get<UpcomingLives>('/api/lives', { auth: false, signal });
    // Countdowns run on the server's clock: a phone set a few minutes off still counts down right.
    return { ...body, skewMs: body.nowMs - (sent + Date.now()) / 2 };
  }, []);
  return (
    <>
      <Header title={tv('title')} auth={{ referralCode: codes.ref, channelCode: codes.ch }} />
      <main class="lives" aria-live="polite">
        <AsyncView state={lives}>{(data) => <List data={data} />}</AsyncView>
      </main>
    </>
  );
}

void startApp(LivesApp);
