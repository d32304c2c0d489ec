// Assigning another host to a scheduled or live session: find the person, then confirm; the former host's
// console and video stop at once, so the change is asked about before it is saved.
import { useState } from 'preact/hooks';
import type { LiveSession as SessionRow } from '../../../../protocols/index.ts';
import { api, type Person } from '../common/api.ts';
import { Loading } from '../common/ui.tsx';
import { tk } from './catalog-messages.ts';
import { ConfirmButton, useAction } from './kit.tsx';
import { PersonPicker } from './person-picker.tsx';

export type { SessionRow };

export function SessionHost({ session, onChanged }: { session: SessionRow; onChanged: () => void }) {
  const [chosen, setChosen] = useState<Person>();
  const action = useAction();
  return (
    <section class="panel session-host" aria-labelledby="host-h">
      <h3 id="host-h">{tk('changeHostOf', { title: session.title })}</h3>
      <PersonPicker label={tk('findHost')} chosen={chosen} onChoose={setChosen} />
      <div class="row">
        <p aria-live="polite">
          {chosen ? tk('newHost', { name: chosen.displayName, code: chosen.memberCode }) : tk('pickHost')}
        </p>
        <ConfirmButton
          label={tk('assignHost')}
          text={tk('confirmHost', { name: chosen?.displayName ?? '', title: session.title })}
          disabled={!chosen || action.busy || chosen.id === session.hostPersonId}
          onConfirm={() =>
            action.run(async () => {
              await api.patch(`/api/live-sessions/${session.sessionId}`, { hostPersonId: chosen!.id });
              onChanged();
              return tk('hostChanged', { name: chosen!.displayName });
            })
          }
        />
      </div>
      {action.busy && <Loading />}
      {action.view()}
    </section>
  );
}
