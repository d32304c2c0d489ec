// /api/follow-ups: the follow-up list (JSON, or CSV of exactly the filtered list), one record with its
// timeline, stage and owner changes, notes and tasks, trial results, and an event's invited / came /
// did not come per channel. Staff and admins reach every record; a channel manager their channels' people
// (commerce checks again); members nothing. A member's own trials are at /api/me/trials.
import { Type } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import type { FollowUpFilter, FollowUps } from '../../commerce/index.ts';
import {
  bearer,
  ErrorSchema,
  EventAttendanceSchema,
  FOLLOW_UP_EXPORT_COLUMNS,
  FOLLOW_UP_EXPORT_MAX,
  FollowUpAssignBody,
  FollowUpDetailSchema,
  FollowUpListQuery,
  FollowUpListSchema,
  FollowUpNoteBody,
  FollowUpStageBody,
  FollowUpTaskBody,
  FollowUpTaskDoneBody,
  FollowUpTaskParams,
  FollowUpTaskSchema,
  Id,
  IdParams,
  TrialAggregateSchema,
  TrialSchema,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import { type Cell, xlsx } from '../exports/index.ts';
import type { App } from '../http-app.ts';

export interface FollowUpRouteDeps {
  followUps: FollowUps;
  guards: Guards;
}

/** Rows on one JSON page unless the client asks for another size. */
const PAGE_DEFAULT = 50;

export async function followUpRoutes(app: App, deps: FollowUpRouteDeps): Promise<void> {
  const { followUps, guards } = deps;
  const workers = guards.requireRoles('admin', 'staff', 'channel_manager');
  const tags = ['follow-ups'];
  const errors = { '4xx': ErrorSchema };

  app.get(
    '/api/follow-ups',
    {
      onRequest: workers,
      schema: {
        tags,
        summary:
          'Follow-ups, one row per person in their channel: filters, sort, paging; format=csv or xlsx exports the same list',
        security: bearer,
        querystring: FollowUpListQuery,
        response: {
          200: Type.Union([
            FollowUpListSchema,
            Type.String({ description: 'text/csv, or the bytes of an XLSX workbook' }),
          ]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const filter: Omit<FollowUpFilter, 'limit' | 'offset'> = {
        eventId: q.eventId,
        turnout: q.turnout,
        channelId: q.channelId,
        stage: q.stage,
        ownerId: q.ownerId,
        minDaysSinceTest: q.minDaysSinceTest,
        maxDaysSinceTest: q.maxDaysSinceTest,
        due: q.due,
        tzOffsetMinutes: q.tzOffsetMinutes,
        search: q.q,
        sort: q.sort,
        order: q.order,
      };
      const actor = principalOf(request);
      if (q.format === 'csv' || q.format === 'xlsx') {
        // Exactly the list the client filtered (a page when it names one, else all of it).
        const rows = await followUps.exportRows(
          actor,
          { ...filter, limit: q.limit ?? FOLLOW_UP_EXPORT_MAX, offset: q.offset ?? 0 },
          { includeNotes: q.includeNotes === true },
        );
        if (q.format === 'xlsx') {
          const book = xlsx(
            'Follow-ups',
            FOLLOW_UP_EXPORT_COLUMNS,
            rows as unknown as Array<Record<string, Cell>>,
          );
          // Bytes go out as they are (fastify serialises no Buffer); the schema only types JSON and text.
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', 'attachment; filename="follow-ups.xlsx"')
            .send(book as unknown as string);
        }
        const csv = stringify(rows, { header: true, columns: [...FOLLOW_UP_EXPORT_COLUMNS] });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="follow-ups.csv"')
          .send(csv);
      }
      return followUps.list(actor, { ...filter, limit: q.limit ?? PAGE_DEFAULT, offset: q.offset ?? 0 });
    },
  );

  app.get(
    '/api/follow-ups/trials',
    {
      onRequest: workers,
      schema: {
        tags,
        summary:
          'Trial results per product and channel over consenting buyers (managers: own channels, figures of 5+ people)',
        security: bearer,
        querystring: Type.Object({ channelId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Array(TrialAggregateSchema), ...errors },
      },
    },
    async (request) => followUps.trialResults(principalOf(request), request.query.channelId),
  );

  app.get(
    '/api/follow-ups/events/:id/attendance',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'An event per channel: invited, came, did not come (managers: own channels)',
        security: bearer,
        params: IdParams,
        response: { 200: EventAttendanceSchema, ...errors },
      },
    },
    async (request) => followUps.eventAttendance(principalOf(request), request.params.id),
  );

  app.post(
    '/api/follow-ups/assign',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'Assign an owner (or none) to several follow-ups: all of them or, if one is not yours, none',
        security: bearer,
        body: FollowUpAssignBody,
        response: { 200: Type.Object({ changed: Type.Integer() }), ...errors },
      },
    },
    async (request) => ({
      changed: await followUps.assign(principalOf(request), request.body.followUpIds, request.body.ownerId),
    }),
  );

  app.get(
    '/api/follow-ups/:id',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'One follow-up with its timeline; readings per the health-data rule',
        security: bearer,
        params: IdParams,
        response: { 200: FollowUpDetailSchema, ...errors },
      },
    },
    async (request) => followUps.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/follow-ups/:id/stage',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'Move to a stage (lost needs a reason)',
        security: bearer,
        params: IdParams,
        body: FollowUpStageBody,
        response: { 200: FollowUpDetailSchema, ...errors },
      },
    },
    async (request) =>
      followUps.setStage(principalOf(request), request.params.id, {
        stage: request.body.stage,
        lostReason: request.body.lostReason,
      }),
  );

  app.post(
    '/api/follow-ups/:id/notes',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'Append a note (notes are never edited)',
        security: bearer,
        params: IdParams,
        body: FollowUpNoteBody,
        response: { 201: Type.Object({ noteId: Type.Integer(), atMs: Type.Integer() }), ...errors },
      },
    },
    async (request, reply) => {
      const note = await followUps.addNote(principalOf(request), request.params.id, request.body.body);
      return reply.code(201).send(note);
    },
  );

  app.post(
    '/api/follow-ups/:id/tasks',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'Add a task (call, message, visit, alert); nextContact marks the next-contact date',
        security: bearer,
        params: IdParams,
        body: FollowUpTaskBody,
        response: { 201: FollowUpTaskSchema, ...errors },
      },
    },
    async (request, reply) => {
      const task = await followUps.addTask(principalOf(request), request.params.id, request.body);
      return reply.code(201).send(task);
    },
  );

  app.put(
    '/api/follow-ups/:id/tasks/:taskId/done',
    {
      onRequest: workers,
      schema: {
        tags,
        summary: 'Mark a task done or not done (author and time recorded)',
        security: bearer,
        params: FollowUpTaskParams,
        body: FollowUpTaskDoneBody,
        response: { 200: FollowUpTaskSchema, ...errors },
      },
    },
    async (request) =>
      followUps.setTaskDone(
        principalOf(request),
        request.params.id,
        request.params.taskId,
        request.body.done,
      ),
  );

  app.get(
    '/api/me/trials',
    {
      onRequest: guards.authenticate,
      schema: {
        tags,
        summary: 'My trials: for each product with reading ranges I bought, how my readings changed',
        security: bearer,
        response: { 200: Type.Array(TrialSchema), ...errors },
      },
    },
    async (request) => followUps.myTrials(principalOf(request)),
  );
}
