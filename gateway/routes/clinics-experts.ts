// /api/clinics and /api/experts: clinics as records (anyone lists the open ones; staff and admins see
// every clinic with its staff, create and change them) and experts (anyone lists them and their slots;
// staff, admins or the expert themself set a profile and its availability).
import type { Commerce } from '../../commerce/index.ts';
import {
  bearer,
  ClinicChangesBody,
  ClinicSchema,
  ClinicsSchema,
  ExpertProfileBody,
  ExpertProfileSchema,
  ExpertsSchema,
  IdParams,
  NewClinicBody,
  RangeQuery,
  SlotsSchema,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface ClinicExpertRouteDeps {
  commerce: Pick<Commerce, 'clinics' | 'experts'>;
  guards: Guards;
}

export async function clinicExpertRoutes(app: App, deps: ClinicExpertRouteDeps): Promise<void> {
  const { clinics, experts } = deps.commerce;
  const staff = deps.guards.requireRoles('admin', 'staff');

  app.get(
    '/api/clinics',
    {
      schema: {
        tags: ['clinics'],
        summary: 'Open clinics (for pickup and booking forms)',
        response: { 200: ClinicsSchema },
      },
    },
    async () => ({ clinics: await clinics.list() }),
  );
  app.get(
    '/api/clinics/all',
    {
      onRequest: staff,
      schema: {
        tags: ['clinics'],
        summary: 'Every clinic with its staff',
        security: bearer,
        response: { 200: ClinicsSchema },
      },
    },
    async (request) => ({ clinics: await clinics.listForStaff(principalOf(request)) }),
  );
  app.post(
    '/api/clinics',
    {
      onRequest: staff,
      schema: {
        tags: ['clinics'],
        summary: 'Add a clinic',
        security: bearer,
        body: NewClinicBody,
        response: { 201: ClinicSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return clinics.create(principalOf(request), request.body);
    },
  );
  app.patch(
    '/api/clinics/:id',
    {
      onRequest: staff,
      schema: {
        tags: ['clinics'],
        summary: 'Change a clinic (staffIds replaces its staff)',
        security: bearer,
        params: IdParams,
        body: ClinicChangesBody,
        response: { 200: ClinicSchema },
      },
    },
    async (request) => clinics.update(principalOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/experts',
    {
      schema: {
        tags: ['experts'],
        summary: 'Experts holding the role, with their profiles',
        response: { 200: ExpertsSchema },
      },
    },
    async () => ({ experts: await experts.list() }),
  );
  app.get(
    '/api/experts/:id/slots',
    {
      schema: {
        tags: ['experts'],
        summary: 'The expert’s slots starting in [from, to) (at most 31 days), each free or not',
        params: IdParams,
        querystring: RangeQuery,
        response: { 200: SlotsSchema },
      },
    },
    async (request) => ({
      slots: await experts.slots(request.params.id, request.query.from, request.query.to),
    }),
  );
  app.put(
    '/api/experts/:id',
    {
      onRequest: deps.guards.requireRoles('admin', 'staff', 'expert'),
      schema: {
        tags: ['experts'],
        summary: 'Set an expert’s profile and availability (staff, admins, or the expert themself)',
        security: bearer,
        params: IdParams,
        body: ExpertProfileBody,
        response: { 200: ExpertProfileSchema },
      },
    },
    async (request) => experts.save(principalOf(request), request.params.id, request.body),
  );
}
