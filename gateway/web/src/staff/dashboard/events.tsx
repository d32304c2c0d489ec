// Offline events: one funnel row per event, and its per-channel funnel on demand.
import { useState } from 'preact/hooks';
import { api } from '../../common/api.ts';
import { useAsync } from '../../common/ui.tsx';
import type { Funnel } from '../figures.ts';
import { ts } from '../messages.ts';
import { FunnelTable } from './funnel-table.tsx';

export function Events({
  events,
  name,
  money,
}: {
  events: Array<{ eventId: string; total: Funnel; channels: Funnel[] }>;
  name: (id: string) => string;
  money: (m: number) => string;
}) {
  const [open, setOpen] = useState<string>();
  const titles = useAsync(
    (signal) => api.get<Array<{ id: string; title: string }>>('/api/events?limit=100', { signal }),
    [events.length],
  );
  const title = (id: string) => titles.data?.find((e) => e.id === id)?.title ?? id.slice(0, 8);
  const shown = events.find((e) => e.eventId === open);
  return (
    <section class="panel" aria-labelledby="events-h">
      <h2 id="events-h">{ts('events')}</h2>
      {events.length === 0 ? (
        <p class="hint">{ts('none')}</p>
      ) : (
        <FunnelTable
          rows={events.map((e) => ({ ...e.total, channelId: e.eventId }))}
          name={(id) => title(id)}
          money={money}
          tableClass="event-table"
        />
      )}
      <div class="row">
        {events.map((e) => (
          <button
            type="button"
            class="link"
            key={e.eventId}
            onClick={() => setOpen(open === e.eventId ? undefined : e.eventId)}
          >
            {ts('details')}: {title(e.eventId)}
          </button>
        ))}
      </div>
      {shown && <FunnelTable rows={shown.channels} name={name} money={money} tableClass="event-detail" />}
    </section>
  );
}
