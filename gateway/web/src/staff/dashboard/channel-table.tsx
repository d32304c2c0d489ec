// The per-channel table of the dashboard: one funnel row per channel the viewer may see.

import type { Funnel } from '../figures.ts';
import { ts } from '../messages.ts';
import { FunnelTable } from './funnel-table.tsx';

export function ChannelTable({
  rows,
  name,
  money,
}: {
  rows: Funnel[];
  name: (id: string) => string;
  money: (m: number) => string;
}) {
  return (
    <section class="panel" aria-labelledby="channels-h">
      <h2 id="channels-h">{ts('channels')}</h2>
      {rows.length === 0 ? (
        <p class="hint">{ts('none')}</p>
      ) : (
        <FunnelTable rows={rows} name={name} money={money} tableClass="channel-table" />
      )}
    </section>
  );
}
