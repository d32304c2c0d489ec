// Referral credit and payouts: a member's own credit, staff reading anyone's, and the payout report per
// channel and period in JSON or CSV (staff and admins: every channel; channel managers: their own).
import { Type } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import type { Ledger } from '../../commerce/index.ts';
import {
  bearer,
  CreditQuery,
  CreditSchema,
  ErrorSchema,
  IdParams,
  PAYOUT_COLUMNS,
  PayoutQuery,
  PayoutReportSchema,
} from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface LedgerRouteDeps {
  ledger: Ledger;
  guards: Guards;
}

export async function ledgerRoutes(app: App, deps: LedgerRouteDeps): Promise<void> {
  const { ledger, guards } = deps;
  const page = (q: { limit?: number; offset?: number }) => ({ limit: q.limit ?? 20, offset: q.offset ?? 0 });

  app.get(
    '/api/me/credit',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['ledger'],
        summary: 'My referral credit: pending and available per currency, and my entries (newest first)',
        security: bearer,
        querystring: CreditQuery,
        response: { 200: CreditSchema },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      return ledger.credit(actor, actor.personId, page(request.query));
    },
  );

  app.get(
    '/api/people/:id/credit',
    {
      onRequest: guards.requireRoles('staff', 'admin'),
      schema: {
        tags: ['ledger'],
        summary: 'A person’s referral credit (staff)',
        security: bearer,
        params: IdParams,
        querystring: CreditQuery,
        response: { 200: CreditSchema, '4xx': ErrorSchema },
      },
    },
    async (request) => ledger.credit(principalOf(request), request.params.id, page(request.query)),
  );

  app.get(
    '/api/payouts',
    {
      onRequest: guards.requireRoles('staff', 'admin', 'channel_manager'),
      schema: {
        tags: ['ledger'],
        summary:
          'Payout report per channel and currency for orders paid in [from, to): orders, GMV, commission ' +
          '(channel managers: their own channels; another channel is 403 FORBIDDEN)',
        security: bearer,
        querystring: PayoutQuery,
        response: {
          200: Type.Union([
            PayoutReportSchema,
            Type.String({ description: 'text/csv, one header line then one line per row' }),
          ]),
          '4xx': ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const rows = await ledger.payouts(principalOf(request), {
        channelId: q.channelId,
        fromMs: q.from,
        toMs: q.to,
      });
      if (q.format === 'csv') {
        const csv = stringify(rows, { header: true, columns: [...PAYOUT_COLUMNS] });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="payouts-${q.from}-${q.to}.csv"`)
          .send(csv);
      }
      return { fromMs: q.from, toMs: q.to, rows };
    },
  );
}
