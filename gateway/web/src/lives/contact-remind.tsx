// "Remind me" without an account: the visitor gives an e-mail or phone, gets a code through it, and
// types it back; only then is the reminder set. The first answer is the same for every contact.
import { useState } from 'preact/hooks';
import { api } from '../common/api.ts';
import { ErrorNotice, Field } from '../common/ui.tsx';
import { tv } from './messages.ts';

export function ContactRemind({ sessionId, onDone }: { sessionId: string; onDone: () => void }) {
  const [contact, setContact] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const base = `/api/live-sessions/${encodeURIComponent(sessionId)}/reminder/contact`;
  const run = async (fn: () => Promise<void>) => {
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
  return (
    <form
      class="contact-remind"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          if (!sent) {
            await api.post(base, { contact: contact.trim() }, { auth: false });
            setSent(true);
          } else {
            await api.post(`${base}/verify`, { contact: contact.trim(), code: code.trim() }, { auth: false });
            onDone();
          }
        });
      }}
    >
      <p class="hint">{tv('orContact')}</p>
      <Field
        label={tv('contactLabel')}
        name="reminder-contact"
        value={contact}
        onInput={(v) => {
          setContact(v);
          setSent(false);
        }}
        required
        maxLength={254}
        autoComplete="email"
      />
      {sent && (
        <>
          <p class="notice" role="status">
            {tv('codeSent')}
          </p>
          <Field
            label={tv('codeLabel')}
            name="reminder-code"
            value={code}
            onInput={setCode}
            required
            maxLength={16}
            inputMode="numeric"
            autoComplete="one-time-code"
          />
        </>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy}>
        {sent ? tv('confirmCode') : tv('sendCode')}
      </button>
    </form>
  );
}
