// /api/live-sessions: schedule, assign the host, go live, end; product cards on a session (create, pin, unpin,
// countdown). Only the session's host or staff change a session; its public snapshot is open to all.
import { Type } from '@fastify/type-provider-typebox';
import {
  BagSchema,
  bearer,
  CardParams,
  CardSchema,
  CountdownBody,
  HostChangeBody,
  LiveSessionSchema,
  NewCardBody,
  NewSessionBody,
  SessionListQuery,
  SessionParams,
  SessionSnapshotSchema,
  VitaliveError,
} from '../../protocols/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { SalesRouteDeps } from './sales-schemas.ts';

export async function liveSessionRoutes(app: App, deps: SalesRouteDeps): Promise<void> {
  const { sales } = deps.services;
  const hosts = deps.guards.requireRoles('admin', 'staff', 'host');

  app.post(
    '/api/live-sessions',
    {
      onRequest: hosts,
      schema: {
        tags: ['live'],
        summary: 'Schedule a live session (hosts for themselves, staff for any host)',
        security: bearer,
        body: NewSessionBody,
        response: { 201: LiveSessionSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return sales.createSession(principalOf(request), request.body);
    },
  );

  app.get(
    '/api/live-sessions',
    {
      schema: {
        tags: ['live'],
        summary: 'Live sessions, newest first (public)',
        querystring: SessionListQuery,
        response: { 200: Type.Array(LiveSessionSchema) },
      },
    },
    async (request) =>
      sales.listSessions({
        state: request.query.state,
        limit: request.query.limit ?? 20,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/live-sessions/:sessionId',
    {
      schema: {
        tags: ['live'],
        summary: 'A session and its pinned cards with live stock (public)',
        params: SessionParams,
        response: { 200: SessionSnapshotSchema },
      },
    },
    async (request) => {
      const snap = await sales.snapshot(request.params.sessionId);
      if (!snap) throw new VitaliveError('NOT_FOUND', { what: `Live session ${request.params.sessionId}` });
      return snap;
    },
  );

  app.get(
    '/api/live-sessions/:sessionId/bag',
    {
      schema: {
        tags: ['live'],
        summary:
          'The bag (public): every card pinned at least once, pinned now first, with photo, live and list ' +
          'price, units left and bought, and whether it can be bought now; draft cards never appear',
        params: SessionParams,
        response: { 200: BagSchema },
      },
    },
    async (request) => sales.bag(request.params.sessionId),
  );

  for (const [path, run] of [
    ['go-live', (p: ReturnType<typeof principalOf>, id: string) => sales.goLive(p, id)],
    ['end', (p: ReturnType<typeof principalOf>, id: string) => sales.end(p, id)],
  ] as const) {
    app.post(
      `/api/live-sessions/:sessionId/${path}`,
      {
        onRequest: hosts,
        schema: {
          tags: ['live'],
          summary: path === 'end' ? 'End the session (pinned cards come down)' : 'Go live',
          security: bearer,
          params: SessionParams,
          response: { 200: LiveSessionSchema },
        },
      },
      async (request) => run(principalOf(request), request.params.sessionId),
    );
  }

  app.patch(
    '/api/live-sessions/:sessionId',
    {
      onRequest: deps.guards.requireRoles('admin', 'staff'),
      schema: {
        tags: ['live'],
        summary: 'Assign another host to a scheduled or live session (staff)',
        security: bearer,
        params: SessionParams,
        body: HostChangeBody,
        response: { 200: LiveSessionSchema },
      },
    },
    async (request) =>
      sales.changeHost(principalOf(request), request.params.sessionId, request.body.hostPersonId),
  );

  app.get(
    '/api/live-sessions/:sessionId/cards',
    {
      onRequest: hosts,
      schema: {
        tags: ['live'],
        summary: 'Every card of the session, drafts included (host and staff)',
        security: bearer,
        params: SessionParams,
        response: { 200: Type.Array(CardSchema) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const host = await sales.hostOf(request.params.sessionId);
      if (host === undefined)
        throw new VitaliveError('NOT_FOUND', { what: `Live session ${request.params.sessionId}` });
      if (host !== actor.personId && !actor.roles.includes('staff') && !actor.roles.includes('admin'))
        throw new VitaliveError('FORBIDDEN', { reason: 'only the host of this session or staff' });
      return sales.cards(request.params.sessionId);
    },
  );

  app.post(
    '/api/live-sessions/:sessionId/cards',
    {
      onRequest: hosts,
      schema: {
        tags: ['live'],
        summary: 'Add a product card (units are taken from the SKU stock on hand)',
        security: bearer,
        params: SessionParams,
        body: NewCardBody,
        response: { 201: CardSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return sales.createCard(principalOf(request), request.params.sessionId, request.body);
    },
  );

  for (const action of ['pin', 'unpin'] as const) {
    app.post(
      `/api/live-sessions/:sessionId/cards/:cardId/${action}`,
      {
        onRequest: hosts,
        schema: {
          tags: ['live'],
          summary: action === 'pin' ? 'Pin a card (viewers see it at once)' : 'Unpin a card',
          security: bearer,
          params: CardParams,
          response: { 200: CardSchema },
        },
      },
      async (request) => {
        const { sessionId, cardId } = request.params;
        const actor = principalOf(request);
        return action === 'pin' ? sales.pin(actor, sessionId, cardId) : sales.unpin(actor, sessionId, cardId);
      },
    );
  }

  app.post(
    '/api/live-sessions/:sessionId/cards/:cardId/countdown',
    {
      onRequest: hosts,
      schema: {
        tags: ['live'],
        summary: 'Open the card for buying between two instants',
        security: bearer,
        params: CardParams,
        body: CountdownBody,
        response: { 200: CardSchema },
      },
    },
    async (request) =>
      sales.countdown(
        principalOf(request),
        request.params.sessionId,
        request.params.cardId,
        request.body.startsAtMs,
        request.body.endsAtMs,
      ),
  );
}
