// Channels: the list with commission rates and invite links (with QR); staff create channels; managers
// and staff invite people by phone or e-mail and see the channel's invitations.
import { useState } from 'preact/hooks';
import type { Channel, ChannelInvitationsPage, ChannelInviteResult } from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { formatDateTime, formatNumber } from '../common/i18n.ts';
import { QrCode } from '../common/qr.tsx';
import { AsyncView, useAsync } from '../common/ui.tsx';
import {
  ActionForm,
  ConfirmButton,
  contactOf,
  Input,
  PAGE_SIZE,
  Pager,
  RowChooser,
  SubmitButton,
  useAction,
} from './kit.tsx';
import { ts } from './messages.ts';

export function ChannelsPage() {
  const list = useAsync((signal) => api.get<Channel[]>('/api/channels', { signal }), []);
  const [chosen, setChosen] = useState<string>();
  const channel = list.data?.find((c) => c.id === chosen);
  return (
    <>
      {auth.hasRole('staff', 'admin') && <NewChannel onCreated={list.reload} />}
      <section class="panel">
        <AsyncView state={list}>
          {(rows) =>
            rows.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <table class="channels-table">
                <thead>
                  <tr>
                    <th scope="col">{ts('channel')}</th>
                    <th scope="col">{ts('commission')}</th>
                    <th scope="col">{ts('inviteCode')}</th>
                    <th scope="col">{ts('managerId')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <tr key={c.id} data-channel-id={c.id}>
                      <RowChooser name={c.name} onChoose={() => setChosen(c.id)} />
                      <td>{formatNumber(c.commissionBps / 100, 2)}%</td>
                      <td>
                        <code>{c.inviteCode}</code>
                      </td>
                      <td>{c.managerId?.slice(0, 8) ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </AsyncView>
      </section>
      {channel && auth.hasRole('staff', 'admin') && (
        <ChannelSettings key={`s-${channel.id}`} channel={channel} onChanged={list.reload} />
      )}
      {channel && <ChannelDetail key={channel.id} channel={channel} />}
    </>
  );
}

function NewChannel({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [managerId, setManagerId] = useState('');
  const [bps, setBps] = useState('1000');
  return (
    <ActionForm
      class="panel"
      label={ts('newChannel')}
      run={async () => {
        await api.post('/api/channels', {
          name: name.trim(),
          managerId: managerId.trim() || null,
          commissionBps: Number(bps),
        });
        setName('');
        onCreated();
        return ts('done');
      }}
    >
      {(busy, outcome) => (
        <>
          <h3>{ts('newChannel')}</h3>
          <div class="row">
            <Input label={ts('name')} value={name} onInput={setName} required />
            <Input label={ts('managerId')} value={managerId} onInput={setManagerId} />
            <Input label={ts('commissionBps')} type="number" value={bps} onInput={setBps} required />
            <SubmitButton busy={busy}>{ts('create')}</SubmitButton>
          </div>
          {outcome}
        </>
      )}
    </ActionForm>
  );
}

/** Staff edit a channel: manager, commission rate (from the next payment on), a fresh invite code. */
function ChannelSettings({ channel, onChanged }: { channel: Channel; onChanged: () => void }) {
  const [managerId, setManagerId] = useState(channel.managerId ?? '');
  const [bps, setBps] = useState(String(channel.commissionBps));
  const action = useAction();
  const save = (body: Record<string, unknown>) =>
    void action.run(async () => {
      await api.patch(`/api/channels/${channel.id}`, body);
      onChanged();
      return ts('done');
    });
  return (
    <section class="panel" aria-label={ts('channelSettings')}>
      <h3>{ts('channelSettings')}</h3>
      <div class="row">
        <Input label={ts('managerId')} value={managerId} onInput={setManagerId} />
        <Input label={ts('commissionBps')} type="number" value={bps} onInput={setBps} required />
        <ConfirmButton
          label={ts('saveChannel')}
          text={ts('confirmChannelChange')}
          disabled={action.busy || !/^\d+$/.test(bps)}
          onConfirm={() => save({ managerId: managerId.trim() || null, commissionBps: Number(bps) })}
        />
        <ConfirmButton
          label={ts('rotateInviteCode')}
          text={ts('confirmRotateInviteCode')}
          disabled={action.busy}
          danger
          onConfirm={() => save({ rotateInviteCode: true })}
        />
      </div>
      {action.view()}
    </section>
  );
}

function ChannelDetail({ channel }: { channel: Channel }) {
  const [offset, setOffset] = useState(0);
  const invitations = useAsync(
    (signal) =>
      api.get<ChannelInvitationsPage>(
        `/api/channels/${channel.id}/invitations?limit=${PAGE_SIZE}&offset=${offset}`,
        { signal },
      ),
    [channel.id, offset],
  );
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const link = `${location.origin}/me?ch=${encodeURIComponent(channel.inviteCode)}`;
  return (
    <section class="panel channel-detail" aria-label={channel.name}>
      <h3>{channel.name}</h3>
      <div class="grid-2">
        <div>
          <p>
            {ts('inviteLink')}: <a href={link}>{link}</a>
          </p>
          <QrCode text={link} label={ts('inviteLink')} size={144} />
        </div>
        <ActionForm
          label={ts('invite')}
          run={async () => {
            // The answer is the same whoever holds the contact; staff see the outcome in the list below.
            await api.post<ChannelInviteResult>(`/api/channels/${channel.id}/invitations`, {
              displayName: name.trim(),
              ...contactOf(contact),
            });
            setName('');
            setContact('');
            invitations.reload();
            return ts('invitationSent');
          }}
        >
          {(busy, outcome) => (
            <>
              <h4>{ts('invite')}</h4>
              <Input label={ts('name')} value={name} onInput={setName} required />
              <Input label={ts('emailOrPhone')} value={contact} onInput={setContact} required />
              {outcome}
              <SubmitButton busy={busy}>{ts('invite')}</SubmitButton>
            </>
          )}
        </ActionForm>
      </div>
      <h4>{ts('invitations')}</h4>
      <AsyncView state={invitations}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="hint">{ts('none')}</p>
          ) : (
            <>
              <table class="invitations-table">
                <tbody>
                  {items.map((i) => (
                    <tr key={i.id}>
                      <td>{formatDateTime(i.createdAtMs)}</td>
                      <td>{i.outcome}</td>
                      <td>{i.personId?.slice(0, 8) ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager offset={offset} count={items.length} onChange={setOffset} />
            </>
          )
        }
      </AsyncView>
    </section>
  );
}
