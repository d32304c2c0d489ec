// /api/consultations, /api/me/consultations, /api/me/recommendations and /api/expert/*: booking (a member
// for themself; staff or the person's follow-up owner on their behalf), moving, cancelling, outcomes,
// notes, and what each party reads. Who may do what is checked in commerce; the routes authenticate and
// validate.
import type { Commerce } from '../../commerce/index.ts';
import {
  BookConsultationBody,
  bearer,
  ConsultationSchema,
  ConsultationsSchema,
  ConsultationViewSchema,
  IdParams,
  NotesBody,
  OutcomeBody,
  PersonTimelineSchema,
  RangeQuery,
  RecommendationsSchema,
  RescheduleBody,
  ScheduleSchema,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface ConsultationRouteDeps {
  commerce: Pick<Commerce, 'consultations' | 'consultationRecords'>;
  guards: Guards;
}

export async function consultationRoutes(app: App, deps: ConsultationRouteDeps): Promise<void> {
  const { consultations, consultationRecords: records } = deps.commerce;
  const auth = deps.guards.authenticate;
  const expert = deps.guards.requireRoles('expert');
  const tags = ['consultations'];

  app.post(
    '/api/consultations',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'Book a slot (personId: staff or the person’s follow-up owner book on their behalf)',
        security: bearer,
        body: BookConsultationBody,
        response: { 201: ConsultationSchema },
      },
    },
    async (request, reply) => {
      const c = await consultations.book(principalOf(request), request.body);
      void reply.status(201);
      return c;
    },
  );
  app.get(
    '/api/consultations/:id',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'One consultation as the caller may see it (notes: the expert, staff with consent, audited)',
        security: bearer,
        params: IdParams,
        response: { 200: ConsultationViewSchema },
      },
    },
    async (request) => records.detail(principalOf(request), request.params.id),
  );
  app.post(
    '/api/consultations/:id/reschedule',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'Move to another slot of the same expert (until the cut-off for the person)',
        security: bearer,
        params: IdParams,
        body: RescheduleBody,
        response: { 200: ConsultationSchema },
      },
    },
    async (request) =>
      consultations.reschedule(principalOf(request), request.params.id, request.body.startsAtMs),
  );
  app.post(
    '/api/consultations/:id/cancel',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'Cancel (until the cut-off for the person); the slot is free again',
        security: bearer,
        params: IdParams,
        response: { 200: ConsultationSchema },
      },
    },
    async (request) => consultations.cancel(principalOf(request), request.params.id),
  );
  app.post(
    '/api/consultations/:id/outcome',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'The expert or staff record that it took place or that the person did not come',
        security: bearer,
        params: IdParams,
        body: OutcomeBody,
        response: { 200: ConsultationSchema },
      },
    },
    async (request) =>
      consultations.recordOutcome(principalOf(request), request.params.id, request.body.outcome),
  );
  app.put(
    '/api/consultations/:id/notes',
    {
      onRequest: expert,
      schema: {
        tags,
        summary: 'The expert writes notes, the person’s summary and recommended products',
        security: bearer,
        params: IdParams,
        body: NotesBody,
        response: { 200: ConsultationViewSchema },
      },
    },
    async (request) => records.writeNotes(principalOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/me/consultations',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'My consultations with their summaries',
        security: bearer,
        response: { 200: ConsultationsSchema },
      },
    },
    async (request) => ({ consultations: await records.mine(principalOf(request)) }),
  );
  app.get(
    '/api/me/recommendations',
    {
      onRequest: auth,
      schema: {
        tags,
        summary: 'Recommended by your expert: products from my consultations, newest first',
        security: bearer,
        response: { 200: RecommendationsSchema },
      },
    },
    async (request) => ({ products: await records.recommendedFor(principalOf(request).personId) }),
  );

  app.get(
    '/api/expert/schedule',
    {
      onRequest: expert,
      schema: {
        tags,
        summary: 'My consultations starting in [from, to) (at most 31 days), with notes',
        security: bearer,
        querystring: RangeQuery,
        response: { 200: ScheduleSchema },
      },
    },
    async (request) => ({
      consultations: await records.schedule(principalOf(request), request.query.from, request.query.to),
    }),
  );
  app.get(
    '/api/expert/people/:id',
    {
      onRequest: deps.guards.requireRoles('expert', 'admin', 'staff'),
      schema: {
        tags,
        summary:
          'A person’s timeline for an expert they booked (or staff): consultations, orders, readings with consent (audited)',
        security: bearer,
        params: IdParams,
        response: { 200: PersonTimelineSchema },
      },
    },
    async (request) => records.timeline(principalOf(request), request.params.id),
  );
}
