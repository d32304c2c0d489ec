// Live chat: the last messages and a send box (rate limits and mutes come back as coded errors).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../../protocols/index.ts';
import { ErrorNotice } from '../common/ui.tsx';
import { tl } from './messages.ts';

export function Chat({
  messages,
  onSend,
}: {
  messages: ChatMessage[];
  onSend: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  async function submit(e: Event) {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSend(text);
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="chat" aria-labelledby="chat-title">
      <h2 id="chat-title">{tl('chat')}</h2>
      <ol class="chat-list" ref={list} aria-live="polite">
        {messages.length === 0 && <li class="hint">{tl('noChat')}</li>}
        {messages.map((m) => (
          <li key={m.id} data-message-id={m.id}>
            <strong>{m.name}</strong> {m.text}
          </li>
        ))}
      </ol>
      {error !== undefined && <ErrorNotice error={error} />}
      <form class="chat-form" onSubmit={submit}>
        <label class="sr-only" for="chat-input">
          {tl('chatLabel')}
        </label>
        <input
          id="chat-input"
          name="chat"
          value={text}
          maxLength={300}
          autoComplete="off"
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="secondary" disabled={busy}>
          {tl('send')}
        </button>
      </form>
    </section>
  );
}
