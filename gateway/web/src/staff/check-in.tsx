// The event check-in screen: type a member code, or switch to scanning the QR code on the member's page
// with the camera; typing stays available while scanning. Each check-in answers who came, in place.
import { useState } from 'preact/hooks';
import type { CheckIn as CheckInResult } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { QrScanner } from './qr-scanner.tsx';

type Mode = 'type' | 'scan';

export function CheckIn({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<Mode>('type');
  const action = useAction();
  const checkIn = (memberCode: string) =>
    action.run(async () => {
      const r = await api.post<CheckInResult>(`/api/events/${eventId}/check-ins`, { memberCode });
      setCode('');
      onDone();
      return r.firstTime
        ? ts('checkedIn', { name: r.displayName })
        : ts('alreadyIn', { name: r.displayName });
    });
  return (
    <form
      class="check-in"
      aria-label={ts('checkIn')}
      onSubmit={(e) => {
        e.preventDefault();
        void checkIn(code.trim());
      }}
    >
      <h4>{ts('checkIn')}</h4>
      <fieldset class="segmented">
        <legend class="sr-only">{ts('checkInMode')}</legend>
        {(['type', 'scan'] as const).map((m) => (
          <label key={m} class="check">
            <input
              type="radio"
              name="check-in-mode"
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            {ts(m === 'type' ? 'modeType' : 'modeScan')}
          </label>
        ))}
      </fieldset>
      {mode === 'scan' && (
        <QrScanner
          paused={action.busy}
          onCode={(scanned) => {
            setCode(scanned);
            void checkIn(scanned);
          }}
        />
      )}
      <label class="field">
        <span>{ts('memberCode')}</span>
        <input
          name="memberCode"
          value={code}
          required
          maxLength={32}
          autoComplete="off"
          onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <div aria-live="polite">{action.view()}</div>
      <button type="submit" class="primary" disabled={action.busy}>
        {ts('checkIn')}
      </button>
    </form>
  );
}
