// Offline events: the list, a new event (staff), and for the chosen event its turnout (invited / came /
// did not come per channel, and per inviter), its invitee list, adding an invitee on behalf of one of
// its channels, and the check-in screen (type or scan a member code). A channel manager gets only their
// own channels' rows from the server.
import { useState } from 'preact/hooks';
import type {
  Channel,
  EventInviteResult,
  EventInviteSent,
  Invitee,
  OfflineEvent,
} from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { formatDateTime, formatNumber } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { CheckIn } from './check-in.tsx';
import { ActionForm, contactOf, Input, PAGE_SIZE, Pager, RowChooser, SubmitButton } from './kit.tsx';
import { ts } from './messages.ts';

export function EventsPage() {
  const [offset, setOffset] = useState(0);
  const [chosen, setChosen] = useState<string>();
  const list = useAsync(
    (signal) => api.get<OfflineEvent[]>(`/api/events?limit=${PAGE_SIZE}&offset=${offset}`, { signal }),
    [offset],
  );
  const channels = useAsync((signal) => api.get<Channel[]>('/api/channels', { signal }), []);
  const staff = auth.hasRole('staff', 'admin');
  const event = list.data?.find((e) => e.id === chosen);
  return (
    <>
      {staff && <NewEvent channels={channels.data ?? []} onCreated={list.reload} />}
      <section class="panel" aria-labelledby="ev-list-h">
        <h3 id="ev-list-h">{ts('events')}</h3>
        <AsyncView state={list}>
          {(events) =>
            events.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="events-table">
                  <thead>
                    <tr>
                      <th scope="col">{ts('eventTitle')}</th>
                      <th scope="col">{ts('venue')}</th>
                      <th scope="col">{ts('startsAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {events.map((e) => (
                      <tr key={e.id} data-event-id={e.id} aria-selected={e.id === chosen}>
                        <RowChooser name={e.title} onChoose={() => setChosen(e.id)} />
                        <td>{e.venue}</td>
                        <td>{formatDateTime(e.startsAtMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <Pager offset={offset} count={events.length} onChange={setOffset} />
              </>
            )
          }
        </AsyncView>
      </section>
      {event && <EventDetail key={event.id} event={event} channels={channels.data ?? []} staff={staff} />}
    </>
  );
}

function NewEvent({ channels, onCreated }: { channels: Channel[]; onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [venue, setVenue] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  return (
    <ActionForm
      class="panel"
      label={ts('newEvent')}
      run={async () => {
        await api.post('/api/events', {
          title: title.trim(),
          venue: venue.trim(),
          startsAtMs: new Date(startsAt).getTime(),
          channelIds: picked,
        });
        setTitle('');
        onCreated();
        return ts('done');
      }}
    >
      {(busy, outcome) => (
        <>
          <h3>{ts('newEvent')}</h3>
          <div class="row">
            <Input label={ts('eventTitle')} value={title} onInput={setTitle} required />
            <Input label={ts('venue')} value={venue} onInput={setVenue} required />
            <Input
              label={ts('startsAt')}
              type="datetime-local"
              value={startsAt}
              onInput={setStartsAt}
              required
            />
          </div>
          <fieldset>
            <legend>{ts('navChannels')}</legend>
            {channels.map((c) => (
              <label key={c.id} class="check">
                <input
                  type="checkbox"
                  checked={picked.includes(c.id)}
                  onChange={(e) =>
                    setPicked((p) =>
                      (e.currentTarget as HTMLInputElement).checked
                        ? [...p, c.id]
                        : p.filter((x) => x !== c.id),
                    )
                  }
                />
                {c.name}
              </label>
            ))}
          </fieldset>
          {outcome}
          <SubmitButton busy={busy}>{ts('create')}</SubmitButton>
        </>
      )}
    </ActionForm>
  );
}

function EventDetail({
  event,
  channels,
  staff,
}: {
  event: OfflineEvent;
  channels: Channel[];
  staff: boolean;
}) {
  const invitees = useAsync(
    (signal) => api.get<Invitee[]>(`/api/events/${event.id}/invitees`, { signal }),
    [event.id],
  );
  const mine = channels.filter((c) => event.channelIds.includes(c.id));
  const name = (id: string) => channels.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  return (
    <section class="panel event-detail" aria-labelledby="ev-h">
      <h3 id="ev-h">
        {event.title} · {event.venue} · {formatDateTime(event.startsAtMs)}
      </h3>
      <div class="grid-2">
        {staff && <CheckIn eventId={event.id} onDone={invitees.reload} />}
        {mine.length > 0 && <AddInvitee eventId={event.id} channels={mine} onDone={invitees.reload} />}
      </div>
      <Turnout eventId={event.id} version={invitees.data} />
      <h4>{ts('invitees')}</h4>
      <AsyncView state={invitees}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="invitees-table">
              <thead>
                <tr>
                  <th scope="col">{ts('name')}</th>
                  <th scope="col">{ts('memberCode')}</th>
                  <th scope="col">{ts('channel')}</th>
                  <th scope="col">{ts('attended')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.personId} data-person-id={r.personId} data-attended={String(r.attended)}>
                    <th scope="row">{r.displayName}</th>
                    <td>
                      <code>{r.memberCode}</code>
                    </td>
                    <td>{name(r.channelId)}</td>
                    <td>{r.attended ? '✓' : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}

interface Counts {
  invited: number;
  attended: number;
  noShow: number;
}

interface ChannelTurnout extends Counts {
  channelId: string;
  channelName: string | null;
  inviters: Array<Counts & { personId: string; displayName: string | null }>;
}

/** Invited / came / did not come per channel with its inviters; no-shows open as a follow-up list. */
function Turnout({ eventId, version }: { eventId: string; version: unknown }) {
  const turnout = useAsync(
    (signal) => api.get<ChannelTurnout[]>(`/api/follow-ups/events/${eventId}/attendance`, { signal }),
    [eventId, version],
  );
  const cells = (c: Counts) => (
    <>
      <td class="num">{formatNumber(c.invited)}</td>
      <td class="num">{formatNumber(c.attended)}</td>
      <td class="num">{formatNumber(c.noShow)}</td>
    </>
  );
  return (
    <>
      <h4>{ts('turnout')}</h4>
      <AsyncView state={turnout}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <table class="turnout-table">
              <thead>
                <tr>
                  <th scope="col">{ts('channel')}</th>
                  <th scope="col">{ts('inviter')}</th>
                  <th scope="col">{ts('invited')}</th>
                  <th scope="col">{ts('came')}</th>
                  <th scope="col">{ts('noShows')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {rows.flatMap((c) => [
                  <tr key={c.channelId} class="turnout-channel" data-channel-id={c.channelId}>
                    <th scope="row">{c.channelName ?? c.channelId.slice(0, 8)}</th>
                    <td />
                    {cells(c)}
                    <td>
                      {c.noShow > 0 && (
                        <a
                          href={`/staff/follow-ups?eventId=${encodeURIComponent(eventId)}&channelId=${encodeURIComponent(c.channelId)}&turnout=no_show`}
                        >
                          {ts('followUpNoShows')}
                        </a>
                      )}
                    </td>
                  </tr>,
                  ...c.inviters.map((i) => (
                    <tr
                      key={`${c.channelId}:${i.personId}`}
                      class="turnout-inviter"
                      data-inviter-id={i.personId}
                    >
                      <td />
                      <td>{i.displayName ?? i.personId.slice(0, 8)}</td>
                      {cells(i)}
                      <td />
                    </tr>
                  )),
                ])}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </>
  );
}

function AddInvitee({
  eventId,
  channels,
  onDone,
}: {
  eventId: string;
  channels: Channel[];
  onDone: () => void;
}) {
  const [channelId, setChannelId] = useState(channels[0]!.id);
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  return (
    <ActionForm
      label={ts('addInvitee')}
      run={async () => {
        const r = await api.post<EventInviteResult | EventInviteSent>(`/api/events/${eventId}/invitees`, {
          channelId,
          displayName: name.trim(),
          ...contactOf(contact),
        });
        setName('');
        setContact('');
        onDone();
        // Staff see the member code; a channel manager only that the invitation went out (the
        // invitee receives their code in it).
        return 'memberCode' in r ? `${ts('memberCode')}: ${r.memberCode}` : ts('invitationSent');
      }}
    >
      {(busy, outcome) => (
        <>
          <h4>{ts('addInvitee')}</h4>
          <label class="field">
            <span>{ts('channel')}</span>
            <select
              value={channelId}
              onChange={(e) => setChannelId((e.currentTarget as HTMLSelectElement).value)}
            >
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <Input label={ts('name')} value={name} onInput={setName} required />
          <Input label={ts('emailOrPhone')} value={contact} onInput={setContact} />
          {outcome}
          <button type="submit" disabled={busy}>
            {ts('addInvitee')}
          </button>
        </>
      )}
    </ActionForm>
  );
}
