// /api/orders: place (Idempotency-Key), read your own (staff: anyone's), cancel; staff confirm manual
// payments, fulfil, complete and refund. /api/payments/webhook: the signed provider callback.
import { Type } from '@fastify/type-provider-typebox';
import {
  bearer,
  ErrorSchema,
  IdempotencyHeaders,
  ListedOrderSchema,
  OrderListQuery,
  OrderParams,
  OrderSchema,
  OrphanedPaymentSchema,
  OrphanedPaymentsQuery,
  OrphanParams,
  PlacedOrderSchema,
  PlaceOrderBody,
  VitaliveError,
  WebhookHeaders,
  WebhookReceiptSchema,
} from '../../protocols/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { OrderPlacement } from '../order-placement.ts';
import type { SalesRouteDeps } from './sales-schemas.ts';

export async function orderRoutes(
  app: App,
  deps: SalesRouteDeps & { placement: OrderPlacement },
): Promise<void> {
  const { orders } = deps.services;
  const members = deps.guards.requireRoles('member', 'staff', 'admin');
  const staff = deps.guards.requireRoles('staff', 'admin');

  app.post(
    '/api/orders',
    {
      onRequest: members,
      schema: {
        tags: ['orders'],
        summary: 'Buy from a pinned card. Same Idempotency-Key + same body → the same answer',
        security: bearer,
        headers: IdempotencyHeaders,
        body: PlaceOrderBody,
        response: {
          201: PlacedOrderSchema,
          '4xx': ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await deps.placement.place(
        principalOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      const retry = (result.body as { params?: { retryAfterSec?: number } }).params?.retryAfterSec;
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      return reply.status(result.status as 201).send(result.body as never);
    },
  );

  app.get(
    '/api/orders',
    {
      onRequest: members,
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first (members: their own)',
        security: bearer,
        querystring: OrderListQuery,
        response: { 200: Type.Array(ListedOrderSchema) },
      },
    },
    async (request) =>
      orders.list(principalOf(request), {
        personId: request.query.personId,
        sessionId: request.query.sessionId,
        status: request.query.status,
        limit: request.query.limit ?? 20,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/orders/:orderId',
    {
      onRequest: members,
      schema: {
        tags: ['orders'],
        summary: 'One order',
        security: bearer,
        params: OrderParams,
        response: { 200: OrderSchema },
      },
    },
    async (request) => orders.get(principalOf(request), request.params.orderId),
  );

  const transitions = [
    [
      'cancel',
      members,
      'Cancel an unpaid order (the buyer or staff); units go back on the card',
      orders.cancel,
    ],
    [
      'confirm-payment',
      staff,
      'Confirm a manual payment (bank transfer, paid at the clinic)',
      orders.confirmManualPayment,
    ],
    ['fulfil', staff, 'Hand over (pickup) or ship (delivery) a paid order', orders.fulfil],
    ['complete', staff, 'Mark a fulfilled order completed', orders.complete],
    ['refund', staff, 'Refund a paid order; units return to a live card', orders.refund],
  ] as const;
  for (const [path, guard, summary, run] of transitions) {
    app.post(
      `/api/orders/:orderId/${path}`,
      {
        onRequest: guard,
        schema: {
          tags: ['orders'],
          summary,
          security: bearer,
          params: OrderParams,
          response: { 200: OrderSchema },
        },
      },
      async (request) => run.call(orders, principalOf(request), request.params.orderId),
    );
  }

  app.get(
    '/api/payments/orphaned',
    {
      onRequest: staff,
      schema: {
        tags: ['orders'],
        summary: 'Verified payments no order could take (expired, cancelled, double, mismatched): to refund',
        security: bearer,
        querystring: OrphanedPaymentsQuery,
        response: { 200: Type.Array(OrphanedPaymentSchema) },
      },
    },
    async (request) =>
      orders.orphanedPayments(principalOf(request), {
        unresolvedOnly: request.query.unresolved,
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      }),
  );

  app.post(
    '/api/payments/orphaned/:provider/:eventId/resolve',
    {
      onRequest: staff,
      schema: {
        tags: ['orders'],
        summary: 'Mark an orphaned payment refunded at the provider',
        security: bearer,
        params: OrphanParams,
        response: { 200: OrphanedPaymentSchema },
      },
    },
    async (request) =>
      orders.resolveOrphanedPayment(principalOf(request), request.params.provider, request.params.eventId),
  );

  // The provider's callback: verified over the raw body, so JSON is parsed here and not by fastify.
  await app.register(async (scope: App) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16_384 },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/payments/webhook',
      {
        schema: {
          tags: ['orders'],
          summary: 'Signed payment callback (header x-vitalive-signature: t=<ms>,v1=<hex HMAC-SHA256>)',
          headers: WebhookHeaders,
          response: { 200: WebhookReceiptSchema },
        },
      },
      async (request) => {
        const webhook = deps.services.webhook;
        if (!webhook) throw new VitaliveError('PAYMENT_PROVIDER_UNKNOWN', { provider: 'webhook' });
        const raw = String(request.body ?? '');
        webhook.verify(request.headers['x-vitalive-signature'], raw);
        const event = parseEvent(raw);
        // Every verified event is recorded and acknowledged (2xx), so the provider stops retrying: one
        // the order cannot take is kept as an orphaned payment for staff to refund.
        const { duplicate, orphaned, order } = await orders.recordProviderPayment('webhook', event);
        return {
          received: true as const,
          duplicate,
          orphaned,
          orderId: event.orderId,
          status: order?.status ?? null,
        };
      },
    );
  });
}

function parseEvent(raw: string): {
  eventId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
} {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'body is not JSON' });
  }
  // `null`, an array, a number or a string is valid JSON but no event.
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'body is not a JSON object' });
  const e = v as Record<string, unknown>;
  const ok =
    typeof e.id === 'string' &&
    e.id.length > 0 &&
    e.id.length <= 128 &&
    e.type === 'payment.succeeded' &&
    typeof e.orderId === 'string' &&
    e.orderId.length > 0 &&
    e.orderId.length <= 40 &&
    Number.isInteger(e.amountMinor) &&
    typeof e.currency === 'string' &&
    /^[A-Za-z]{3}$/.test(e.currency);
  if (!ok) throw new VitaliveError('VALIDATION_FAILED', { reason: 'not a payment.succeeded event' });
  return {
    eventId: e.id as string,
    orderId: e.orderId as string,
    amountMinor: e.amountMinor as number,
    currency: e.currency as string,
  };
}
