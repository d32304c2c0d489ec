// The viewer page, /live/:sessionId?ref=CODE&ch=CODE. Mobile first: the video fills the screen, with the
// chat and hearts over its bottom left, the pinned cards above the chat, and follow, share, hearts and
// the bag down its right; buying opens a half sheet that leaves the video in view. On a desktop the
// player sits beside the cards and chat. The page's states are chosen here: before the live (the
// line-up and "remind me"), and the live itself (live-view.tsx).
import '../common/styles.css';
import './live.css';
import '../lives/lives.css';
import { startApp } from '../common/app-shell.tsx';
import { LiveState } from './live-state.ts';
import { LiveView } from './live-view.tsx';
import { currentPlayer } from './stage.tsx';

const sessionId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const query = new URLSearchParams(location.search);
const codes = { ref: query.get('ref') ?? undefined, ch: query.get('ch') ?? undefined };

const state = sessionId ? new LiveState(sessionId, codes) : undefined;
// Test and diagnostics handle: figures such as pin → card and navigation → first frame are read here.
(window as unknown as { vitaliveLive: unknown }).vitaliveLive = {
  state,
  get player() {
    return currentPlayer();
  },
};

void startApp(() => <LiveView state={state} codes={codes} />);
