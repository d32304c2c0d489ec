// /api/me/orders: the signed-in person's own orders as the member page shows them (product, photo, how to
// pay while unpaid) and cancelling one while it is unpaid. Staff and admins use these for their own
// orders only: here nobody reaches another person's order, whatever their roles.
import { Type } from '@fastify/type-provider-typebox';
import type { Commerce } from '../../commerce/index.ts';
import { bearer, MyOrderSchema, MyOrdersQuery, OrderParams, OrderSchema } from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface MeOrderRouteDeps {
  orders: Commerce['orders'];
  guards: Guards;
  /** PAYMENT_MANUAL_INSTRUCTIONS: shown on unpaid manual-payment orders. */
  manualInstructions: string | undefined;
}

export async function meOrderRoutes(app: App, deps: MeOrderRouteDeps): Promise<void> {
  const { orders, guards } = deps;

  app.get(
    '/api/me/orders',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'My orders, newest first, with the product and, while unpaid, how to pay',
        security: bearer,
        querystring: MyOrdersQuery,
        response: { 200: Type.Array(MyOrderSchema) },
      },
    },
    async (request) => {
      const mine = await orders.mine(principalOf(request).personId, {
        limit: request.query.limit ?? 20,
        offset: request.query.offset ?? 0,
      });
      for (const o of mine)
        if (o.pay && o.provider === 'manual') o.pay.instructions = deps.manualInstructions ?? null;
      return mine;
    },
  );

  app.post(
    '/api/me/orders/:orderId/cancel',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary:
          'Cancel my unpaid order; its units go back to the card (or to stock) once. A paid order: ' +
          'ORDER_INVALID_TRANSITION; an order that is not mine: NOT_FOUND',
        security: bearer,
        params: OrderParams,
        response: { 200: OrderSchema },
      },
    },
    // Roles dropped: staff cancelling anyone's order do it on /api/orders, not on their own page.
    async (request) =>
      orders.cancel({ personId: principalOf(request).personId, roles: [] }, request.params.orderId),
  );
}
