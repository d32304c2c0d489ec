// A funnel table (invited → attended → tested → bought, GMV, commission), shared by the channel table
// and the offline events' drill-down.
import type { Funnel } from '../figures.ts';
import { ts } from '../messages.ts';

export function FunnelTable({
  rows,
  name,
  money,
  tableClass,
}: {
  rows: Funnel[];
  name: (id: string) => string;
  money: (m: number) => string;
  tableClass: string;
}) {
  return (
    <table class={tableClass}>
      <thead>
        <tr>
          <th scope="col">{ts('channel')}</th>
          <th scope="col">{ts('invited')}</th>
          <th scope="col">{ts('attended')}</th>
          <th scope="col">{ts('tested')}</th>
          <th scope="col">{ts('bought')}</th>
          <th scope="col">{ts('gmv')}</th>
          <th scope="col">{ts('commission')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.channelId} data-channel-id={c.channelId}>
            <th scope="row">{name(c.channelId)}</th>
            <td data-col="invited">{c.invited}</td>
            <td data-col="attended">{c.attended}</td>
            <td data-col="tested">{c.tested}</td>
            <td data-col="bought">{c.bought}</td>
            <td data-col="gmv" data-minor={c.paidGmvMinor}>
              {money(c.paidGmvMinor)}
            </td>
            <td data-col="commission" data-minor={c.commissionMinor}>
              {money(c.commissionMinor)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
