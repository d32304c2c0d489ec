// The printable commission statement of a payout run: one self-contained HTML page (inline print CSS, no
// script) with one section per account — orders, GMV, refunds, commission, adjustments, payable — and
// the run's totals, the same figures as the JSON and CSV statement. Every amount carries its integer
// minor units in `data-minor`, so what is printed can be checked against the run.
import type { PayoutRun, StatementRow } from '../../commerce/index.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Minor units → a localised amount, with the currency's own number of decimals (CNY 2, JPY 0). */
function money(minor: number, currency: string): string {
  const f = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

const amount = (minor: number, currency: string) =>
  `<td class="num" data-minor="${minor}">${esc(money(minor, currency))}</td>`;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const STYLE = `
  @page { size: A4; margin: 18mm 16mm; }
  body { font: 11pt/1.4 system-ui, sans-serif; color: #111; margin: 2em auto; max-width: 52em; }
  h1 { font-size: 16pt; margin: 0 0 .2em; }
  h2 { font-size: 13pt; margin: 1.6em 0 .4em; }
  .meta { color: #444; margin: 0 0 1em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border-bottom: 1px solid #bbb; padding: .3em .5em; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.payable th, tr.payable td { font-weight: 600; border-top: 2px solid #111; }
  section.account { break-inside: avoid; }
  .totals { margin-top: 2em; }
  footer { margin-top: 2em; color: #555; font-size: 9pt; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;

function accountSection(r: StatementRow): string {
  const line = (label: string, cells: string) => `<tr><th scope="row">${label}</th>${cells}</tr>`;
  const count = (n: number) => `<td class="num" data-count="${n}">${n}</td>`;
  return `<section class="account" data-account-kind="${esc(r.accountKind)}" data-account-id="${esc(r.accountId)}">
<h2>${esc(r.accountName)} <small>(${esc(r.accountKind)} ${esc(r.accountId)}, ${esc(r.currency)})</small></h2>
<table>
<tbody>
${line('Orders paid in the period', count(r.orders))}
${line('GMV', amount(r.gmvMinor, r.currency))}
${line('Refunded orders', count(r.refundedOrders))}
${line('Refunded GMV', amount(r.refundedGmvMinor, r.currency))}
${line(r.accountKind === 'channel' ? 'Commission' : 'Referral credit', amount(r.commissionMinor, r.currency))}
${line('Adjustments (refund reversals, carried balances)', amount(r.adjustmentsMinor, r.currency))}
<tr class="payable" data-role="payable"><th scope="row">Payable</th>${amount(r.payableMinor, r.currency)}</tr>
</tbody>
</table>
</section>`;
}

/** The statement page; `rows` are the lines the viewer may see (all of them, or one account's). */
export function renderStatementHtml(run: PayoutRun, rows: readonly StatementRow[]): string {
  // Totals per account kind and currency over the printed lines.
  const totals = new Map<string, { kind: string; currency: string; accounts: number; minor: number }>();
  for (const r of rows) {
    const key = `${r.accountKind}\u0000${r.currency}`;
    const t = totals.get(key) ?? { kind: r.accountKind, currency: r.currency, accounts: 0, minor: 0 };
    t.accounts++;
    t.minor += r.payableMinor;
    totals.set(key, t);
  }
  const status =
    run.status === 'paid'
      ? `Paid ${run.paidAtMs === null ? '' : when(run.paidAtMs)}, reference ${esc(run.paidReference ?? '')}`
      : 'Not paid yet (frozen)';
  const totalRows = [...totals.values()]
    .map(
      (t) =>
        `<tr data-account-kind="${esc(t.kind)}" data-currency="${esc(t.currency)}"><th scope="row">${esc(t.kind)}</th><td>${esc(t.currency)}</td><td class="num">${t.accounts}</td>${amount(t.minor, t.currency)}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Commission statement ${esc(run.runId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Commission statement</h1>
<p class="meta">Payout run <code>${esc(run.runId)}</code> · orders paid ${day(run.fromMs)} to ${day(run.toMs - 1)} · ${status}</p>
${rows.map(accountSection).join('\n')}
<table class="totals">
<thead><tr><th scope="col">Accounts</th><th scope="col">Currency</th><th scope="col" class="num">Count</th><th scope="col" class="num">Payable</th></tr></thead>
<tbody>
${totalRows}
</tbody>
</table>
<footer>Generated ${when(Date.now())}. Amounts are the run's frozen ledger entries; a refund after payment is carried into the next run.</footer>
</body>
</html>
`;
}
