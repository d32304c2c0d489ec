// The follow-up list (跟进): one row per person of the channels the viewer may see, filters, sort,
// bulk owner assignment, the CSV or XLSX of exactly the filtered list; a row opens the person's timeline, stage,
// notes and tasks. The server decides who sees what (managers: their channels; readings per consent).
// The list and the open record re-read themselves when the /staff stream says a follow-up changed.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type FollowUpDetail as Detail,
  type FollowUpRow as Row,
  FOLLOW_UP_STAGES as STAGES,
  type FollowUpStage as Stage,
  FOLLOW_UP_TASK_KINDS as TASK_KINDS,
} from '../../../../protocols/index.ts';
import { api, auth, type Person } from '../common/api.ts';
import { downloadExport } from '../common/download.ts';
import { formatDateTime } from '../common/i18n.ts';
import { connect } from '../common/socket.ts';
import { AsyncView, Dialog, useAsync } from '../common/ui.tsx';
import { tf } from './follow-ups-messages.ts';
import { ActionForm, Input, PAGE_SIZE, Pager, SubmitButton, useAction } from './kit.tsx';
import { PersonPicker } from './person-picker.tsx';

const when = (ms: number | null) => (ms === null ? '—' : formatDateTime(ms));

/** Frames arriving together (a purchase moves a stage and records milestones) cost one re-read. */
const LIVE_RELOAD_DELAY_MS = 250;

/**
 * Calls `onChange` (at most once per LIVE_RELOAD_DELAY_MS) with the follow-ups that changed, as the
 * /staff stream reports them; the server sends each viewer only the records they may see.
 */
function useFollowUpChanges(onChange: (ids: ReadonlySet<string>) => void): void {
  useEffect(() => {
    const socket = connect('/staff');
    let pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    socket.on('staff:follow-up', (frame) => {
      pending.add(frame.followUpId);
      timer ??= setTimeout(() => {
        const ids = pending;
        pending = new Set();
        timer = undefined;
        onChange(ids);
      }, LIVE_RELOAD_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      socket.close();
    };
  }, []);
}

export function FollowUpsPage() {
  const [stage, setStage] = useState('');
  const [due, setDue] = useState('');
  const [q, setQ] = useState('');
  const [eventId, setEventId] = useState(() => new URLSearchParams(location.search).get('eventId') ?? '');
  // The events page opens an event's no-shows of one channel here.
  const [channelId] = useState(() => new URLSearchParams(location.search).get('channelId') ?? '');
  const [turnout, setTurnout] = useState(() => new URLSearchParams(location.search).get('turnout') ?? '');
  const [sort, setSort] = useState('updated');
  const [offset, setOffset] = useState(0);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>();
  const [picked, setPicked] = useState<Person | undefined>();
  /** Bumped when the open record changed elsewhere, so its timeline is read again. */
  const [openChanged, setOpenChanged] = useState(0);
  const openNow = useRef(open);
  openNow.current = open;
  const build = () => {
    const p = new URLSearchParams({ sort });
    if (stage) p.set('stage', stage);
    if (due) p.set('due', due);
    if (q.trim()) p.set('q', q.trim());
    if (eventId.trim()) {
      p.set('eventId', eventId.trim());
      if (turnout) p.set('turnout', turnout);
    }
    if (channelId) p.set('channelId', channelId);
    p.set('tzOffsetMinutes', String(-new Date().getTimezoneOffset()));
    return p.toString();
  };
  const list = useAsync(
    (signal) =>
      api.get<{ total: number; rows: Row[] }>(
        `/api/follow-ups?${query || build()}&limit=${PAGE_SIZE}&offset=${offset}`,
        { signal },
      ),
    [query, offset],
  );
  useFollowUpChanges((ids) => {
    list.reload();
    if (openNow.current && ids.has(openNow.current)) setOpenChanged((n) => n + 1);
  });
  const assign = useAction();
  const download = useAction();
  const assignTo = (ownerId: string) =>
    assign.run(async () => {
      const r = await api.post<{ changed: number }>('/api/follow-ups/assign', {
        followUpIds: [...chosen],
        ownerId,
      });
      setChosen(new Set());
      list.reload();
      return tf('assigned', { n: r.changed });
    });
  return (
    <section class="panel follow-ups">
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQuery(build());
        }}
      >
        <label class="field inline">
          <span>{tf('stage')}</span>
          <select value={stage} onChange={(e) => setStage((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{tf('anyStage')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {tf(s)}
              </option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span>{tf('due')}</span>
          <select value={due} onChange={(e) => setDue((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{tf('anyDue')}</option>
            <option value="today">{tf('today')}</option>
            <option value="overdue">{tf('overdue')}</option>
          </select>
        </label>
        <label class="field inline">
          <span>{tf('sort')}</span>
          <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value)}>
            <option value="updated">{tf('sortUpdated')}</option>
            <option value="name">{tf('sortName')}</option>
            <option value="nextDue">{tf('sortNextDue')}</option>
            <option value="lastTest">{tf('sortLastTest')}</option>
          </select>
        </label>
        <Input label={tf('search')} value={q} onInput={setQ} />
        <Input label={tf('eventId')} value={eventId} onInput={setEventId} />
        {eventId.trim() && (
          <label class="field inline">
            <span>{tf('turnout')}</span>
            <select
              value={turnout}
              onChange={(e) => setTurnout((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{tf('anyTurnout')}</option>
              <option value="came">{tf('attended')}</option>
              <option value="no_show">{tf('no_show')}</option>
            </select>
          </label>
        )}
        <button type="submit" class="primary">
          {tf('apply')}
        </button>
        {(['csv', 'xlsx'] as const).map((format) => (
          <button
            key={format}
            type="button"
            disabled={download.busy}
            onClick={() =>
              download.run(() =>
                downloadExport(`/api/follow-ups?${query || build()}`, `follow-ups.${format}`, format),
              )
            }
          >
            {tf(format)}
          </button>
        ))}
      </form>
      {download.view()}
      {chosen.size > 0 && (
        <div class="row wrap bulk">
          <button type="button" disabled={assign.busy} onClick={() => assignTo(auth.person?.id ?? '')}>
            {tf('assignMe')}
          </button>
          <PersonPicker label={tf('assignTo')} chosen={picked} onChoose={setPicked} />
          {picked && (
            <button type="button" class="primary" disabled={assign.busy} onClick={() => assignTo(picked.id)}>
              {tf('assignTo')} {picked.displayName}
            </button>
          )}
        </div>
      )}
      {assign.view()}
      <AsyncView state={list}>
        {({ total, rows }) => (
          <>
            <p class="hint">{tf('total', { n: total })}</p>
            <table class="follow-ups-table">
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">{tf('person')}</th>
                  <th scope="col">{tf('channel')}</th>
                  <th scope="col">{tf('stage')}</th>
                  <th scope="col">{tf('owner')}</th>
                  <th scope="col">{tf('nextDue')}</th>
                  <th scope="col">{tf('lastTest')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.followUpId} data-follow-up-id={r.followUpId} data-stage={r.stage}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={tf('select', { name: r.displayName })}
                        checked={chosen.has(r.followUpId)}
                        onChange={(e) => {
                          const next = new Set(chosen);
                          if ((e.currentTarget as HTMLInputElement).checked) next.add(r.followUpId);
                          else next.delete(r.followUpId);
                          setChosen(next);
                        }}
                      />
                    </td>
                    <th scope="row">
                      <button type="button" class="link" onClick={() => setOpen(r.followUpId)}>
                        {r.displayName}
                      </button>{' '}
                      <code>{r.memberCode}</code>
                    </th>
                    <td>{r.channelName}</td>
                    <td>{tf(r.stage)}</td>
                    <td>{r.ownerName ?? tf('noOwner')}</td>
                    <td>{when(r.nextDueAtMs)}</td>
                    <td>{when(r.lastTestAtMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={offset} count={rows.length} total={total} onChange={setOffset} />
          </>
        )}
      </AsyncView>
      <Dialog open={open !== undefined} title={tf('navFollowUps')} onClose={() => setOpen(undefined)}>
        {open && <FollowUpDetail id={open} version={openChanged} onChanged={list.reload} />}
      </Dialog>
    </section>
  );
}

function FollowUpDetail({ id, version, onChanged }: { id: string; version: number; onChanged: () => void }) {
  const detail = useAsync((signal) => api.get<Detail>(`/api/follow-ups/${id}`, { signal }), [id, version]);
  const [stage, setStage] = useState<Stage | ''>('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [kind, setKind] = useState<string>('call');
  const [dueAt, setDueAt] = useState('');
  const [nextContact, setNextContact] = useState(true);
  const done = useAction();
  const changed = () => {
    detail.reload();
    onChanged();
  };
  return (
    <AsyncView state={detail}>
      {(d) => (
        <div class="follow-up-detail" data-stage={d.followUp.stage}>
          <h3>
            {d.followUp.displayName} <code>{d.followUp.memberCode}</code> · {tf(d.followUp.stage)}
          </h3>
          <ActionForm
            label={tf('saveStage')}
            class="row wrap"
            run={async () => {
              await api.post(`/api/follow-ups/${id}/stage`, {
                stage: stage || d.followUp.stage,
                ...(stage === 'lost' ? { lostReason: reason } : {}),
              });
              changed();
            }}
          >
            {(busy, outcome) => (
              <>
                <select
                  aria-label={tf('stage')}
                  value={stage || d.followUp.stage}
                  onChange={(e) => setStage((e.currentTarget as HTMLSelectElement).value as Stage)}
                >
                  {STAGES.map((s) => (
                    <option key={s} value={s}>
                      {tf(s)}
                    </option>
                  ))}
                </select>
                {stage === 'lost' && (
                  <Input label={tf('lostReason')} value={reason} onInput={setReason} required />
                )}
                <SubmitButton busy={busy}>{tf('saveStage')}</SubmitButton>
                {outcome}
              </>
            )}
          </ActionForm>
          <h4>{tf('milestones')}</h4>
          <ul class="timeline">
            {d.milestones.map((m) => (
              <li key={`${m.kind}-${m.refId}`} data-kind={m.kind}>
                {formatDateTime(m.atMs)} · {tf(m.kind as 'invited')}
              </li>
            ))}
          </ul>
          <h4>{tf('trials')}</h4>
          {d.healthData === 'none' ? (
            <p class="hint">{tf('noHealthData')}</p>
          ) : (
            <ul>
              {d.trials.flatMap((t) =>
                t.changes.map((c) => (
                  <li key={`${t.productId}-${c.metric}`} data-direction={c.direction}>
                    {t.productTitle} · {c.metric} · {tf(c.direction as 'improved')}
                    {c.change !== undefined && ` (${c.change > 0 ? '+' : ''}${c.change})`}
                  </li>
                )),
              )}
            </ul>
          )}
          <h4>{tf('tasks')}</h4>
          <ul class="tasks">
            {d.tasks.map((t) => (
              <li key={t.taskId} data-done={t.doneAtMs !== null}>
                {tf(t.kind as 'call')} · {formatDateTime(t.dueAtMs)}{' '}
                {t.nextContact && `· ${tf('nextContact')}`}{' '}
                <button
                  type="button"
                  disabled={done.busy}
                  onClick={() =>
                    done.run(async () => {
                      await api.put(`/api/follow-ups/${id}/tasks/${t.taskId}/done`, {
                        done: t.doneAtMs === null,
                      });
                      changed();
                    })
                  }
                >
                  {t.doneAtMs === null ? tf('done') : tf('reopen')}
                </button>
              </li>
            ))}
          </ul>
          {done.view()}
          <ActionForm
            label={tf('addTask')}
            class="row wrap"
            run={async () => {
              await api.post(`/api/follow-ups/${id}/tasks`, {
                kind,
                dueAtMs: Date.parse(dueAt),
                nextContact,
              });
              changed();
            }}
          >
            {(busy, outcome) => (
              <>
                <select
                  aria-label={tf('kind')}
                  value={kind}
                  onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}
                >
                  {TASK_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {tf(k)}
                    </option>
                  ))}
                </select>
                <Input label={tf('dueAt')} type="datetime-local" value={dueAt} onInput={setDueAt} required />
                <label class="field inline">
                  <input
                    type="checkbox"
                    checked={nextContact}
                    onChange={(e) => setNextContact((e.currentTarget as HTMLInputElement).checked)}
                  />
                  <span>{tf('nextContact')}</span>
                </label>
                <SubmitButton busy={busy}>{tf('addTask')}</SubmitButton>
                {outcome}
              </>
            )}
          </ActionForm>
          <h4>{tf('notes')}</h4>
          <ul class="notes">
            {d.notes.map((n) => (
              <li key={n.noteId}>
                {formatDateTime(n.atMs)} · {n.authorName ?? ''}: {n.body}
              </li>
            ))}
          </ul>
          <ActionForm
            label={tf('addNote')}
            class="row wrap"
            run={async () => {
              await api.post(`/api/follow-ups/${id}/notes`, { body: note });
              setNote('');
              changed();
            }}
          >
            {(busy, outcome) => (
              <>
                <textarea
                  aria-label={tf('addNote')}
                  maxLength={2000}
                  value={note}
                  required
                  onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
                />
                <SubmitButton busy={busy}>{tf('addNote')}</SubmitButton>
                {outcome}
              </>
            )}
          </ActionForm>
          <h4>{tf('history')}</h4>
          <ul class="history">
            {d.history.map((h, i) => (
              <li key={i}>
                {formatDateTime(h.atMs)} · {h.kind} {h.from ? `${h.from} → ` : ''}
                {h.to ?? ''} {h.sourceType ? tf('byFact', { source: h.sourceType }) : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
    </AsyncView>
  );
}
