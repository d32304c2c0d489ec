// /api/payout-runs (激励发放): staff freeze what is available to pay for a period, export each run's
// statement (CSV, JSON, or a printable HTML page, whole or for one account) and mark the run paid with the payment's reference; channel managers read the
// runs and statement lines of their own channels.
import { Type } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import { type Ledger, STATEMENT_COLUMNS } from '../../commerce/index.ts';
import {
  bearer,
  ErrorSchema,
  Id,
  IdParams,
  PageQuery,
  PayoutPaidBody,
  PayoutRunBody,
  PayoutRunSchema,
  StatementRowSchema,
  VitaliveError,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { renderStatementHtml } from './payout-statement-html.ts';

export interface PayoutRunRouteDeps {
  ledger: Ledger;
  guards: Guards;
}

export async function payoutRunRoutes(app: App, deps: PayoutRunRouteDeps): Promise<void> {
  const { ledger, guards } = deps;
  const staff = guards.requireRoles('staff', 'admin');
  const readers = guards.requireRoles('staff', 'admin', 'channel_manager');
  const tags = ['ledger'];
  const errors = { '4xx': ErrorSchema };

  app.post(
    '/api/payout-runs',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Create a payout run for a period: freezes every positive available balance to pay',
        security: bearer,
        body: PayoutRunBody,
        response: { 201: PayoutRunSchema, ...errors },
      },
    },
    async (request, reply) => {
      const run = await ledger.createPayoutRun(principalOf(request), {
        fromMs: request.body.from,
        toMs: request.body.to,
      });
      return reply.code(201).send(run);
    },
  );

  app.get(
    '/api/payout-runs',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'Payout runs, newest first (channel managers: runs paying their channels, their totals)',
        security: bearer,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Type.Array(PayoutRunSchema), ...errors },
      },
    },
    async (request) =>
      ledger.payoutRuns(principalOf(request), {
        limit: request.query.limit ?? 20,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/payout-runs/:id/statement',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'A run’s statement per account: orders, GMV, refunds, commission, adjustments, payable',
        security: bearer,
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(
              Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html')]),
            ),
            /** One account's lines only (a channel's printable statement). */
            accountId: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Union([
            Type.Array(StatementRowSchema),
            Type.String({ description: 'text/csv, or text/html with format=html' }),
          ]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { format, accountId } = request.query;
      const actor = principalOf(request);
      const pick = <T extends { accountId: string }>(rows: T[]): T[] => {
        if (!accountId) return rows;
        const mine = rows.filter((r) => r.accountId === accountId);
        // An account the run does not pay, or one the viewer may not see, is not there.
        if (mine.length === 0) throw new VitaliveError('NOT_FOUND', { what: 'statement line' });
        return mine;
      };
      if (format === 'html') {
        const { run, rows } = await ledger.payoutStatementDocument(actor, request.params.id);
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(renderStatementHtml(run, pick(rows)));
      }
      const rows = pick(await ledger.payoutStatement(actor, request.params.id));
      if (format === 'csv')
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="payout-run-${request.params.id}.csv"`)
          .send(stringify(rows, { header: true, columns: [...STATEMENT_COLUMNS] }));
      return rows;
    },
  );

  app.post(
    '/api/payout-runs/:id/paid',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Mark a run paid with a reference (e.g. the bank batch id); its entries become paid_out',
        security: bearer,
        params: IdParams,
        body: PayoutPaidBody,
        response: { 200: PayoutRunSchema, ...errors },
      },
    },
    async (request) =>
      ledger.markPayoutRunPaid(principalOf(request), request.params.id, request.body.reference.trim()),
  );
}
