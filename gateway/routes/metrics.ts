// /api/metrics: conversion figures read from the rollups. Staff and admins see every channel; a channel
// manager sees their own channels' rows, and naming another channel, an event outside their channels or
// a referrer outside their channels answers 403 FORBIDDEN.
import { Type } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../commerce/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import {
  AarrrSchema,
  ChannelFunnelSchema,
  FollowUpSchema,
  PeriodQuery,
  periodOf,
  ReferrerSchema,
  SessionFunnelSchema,
} from './metrics-schemas.ts';
import { bearer, Id, IdParams } from './people-schemas.ts';

export interface MetricsRouteDeps {
  metrics: Metrics;
  guards: Guards;
  /** Default look-back of the follow-up list. */
  followUpDays: number;
}

export async function metricsRoutes(app: App, deps: MetricsRouteDeps): Promise<void> {
  const { metrics } = deps;
  const readers = deps.guards.requireRoles('admin', 'staff', 'channel_manager');
  const tags = ['metrics'];

  app.get(
    '/api/metrics/channels',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'Per channel: invited → attended → tested → bought → GMV → commission over a period',
        security: bearer,
        querystring: Type.Object({ ...PeriodQuery }, { additionalProperties: false }),
        response: { 200: Type.Array(ChannelFunnelSchema) },
      },
    },
    async (request) => metrics.channels(principalOf(request), periodOf(request.query)),
  );

  app.get(
    '/api/metrics/channels/:id',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'One channel: totals and UTC-day buckets over a period',
        security: bearer,
        params: IdParams,
        querystring: Type.Object({ ...PeriodQuery }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            total: ChannelFunnelSchema,
            days: Type.Array(Type.Intersect([ChannelFunnelSchema, Type.Object({ day: Type.Integer() })])),
          }),
        },
      },
    },
    async (request) => metrics.channel(principalOf(request), request.params.id, periodOf(request.query)),
  );

  app.get(
    '/api/metrics/events/:id',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'One offline event: the funnel per channel and in total',
        security: bearer,
        params: IdParams,
        response: {
          200: Type.Object({
            eventId: Type.String(),
            total: ChannelFunnelSchema,
            channels: Type.Array(ChannelFunnelSchema),
          }),
        },
      },
    },
    async (request) => metrics.event(principalOf(request), request.params.id),
  );

  app.get(
    '/api/metrics/sessions/:id',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'One live session: viewers, impressions, clicks, orders, paid GMV and conversion',
        security: bearer,
        params: IdParams,
        querystring: Type.Object({ channelId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: SessionFunnelSchema },
      },
    },
    async (request) => metrics.session(principalOf(request), request.params.id, request.query.channelId),
  );

  app.get(
    '/api/metrics/referrers',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'Referrers by referred GMV over a period: sign-ups, orders, GMV',
        security: bearer,
        querystring: Type.Object(
          { ...PeriodQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(ReferrerSchema) },
      },
    },
    async (request) =>
      metrics.referrers(principalOf(request), periodOf(request.query), request.query.limit ?? 50),
  );

  app.get(
    '/api/metrics/referrers/:id',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'One referrer over a period',
        security: bearer,
        params: IdParams,
        querystring: Type.Object({ ...PeriodQuery }, { additionalProperties: false }),
        response: {
          200: Type.Intersect([
            ReferrerSchema,
            Type.Object({
              credit: Type.Array(
                Type.Object({
                  currency: Type.String(),
                  pendingMinor: Type.Integer(),
                  availableMinor: Type.Integer(),
                }),
              ),
            }),
          ]),
        },
      },
    },
    async (request) => metrics.referrer(principalOf(request), request.params.id, periodOf(request.query)),
  );

  app.get(
    '/api/metrics/aarrr',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'Acquisition, activation, retention, referral and revenue over a period',
        security: bearer,
        querystring: Type.Object(
          { ...PeriodQuery, channelId: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: { 200: AarrrSchema },
      },
    },
    async (request) => metrics.aarrr(principalOf(request), periodOf(request.query), request.query.channelId),
  );

  app.get(
    '/api/metrics/follow-ups',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'People tested in the last N days who have not bought since, with channel and referrer',
        security: bearer,
        querystring: Type.Object(
          {
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
            channelId: Type.Optional(Id),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(FollowUpSchema) },
      },
    },
    async (request) =>
      metrics.followUps(principalOf(request), {
        days: request.query.days ?? deps.followUpDays,
        channelId: request.query.channelId,
        limit: request.query.limit ?? 100,
      }),
  );
}
