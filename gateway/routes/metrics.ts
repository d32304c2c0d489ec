// /api/metrics: conversion figures read from the rollups. Staff and admins see every channel; a channel
// manager sees their own channels' rows, and naming another channel, an event outside their channels or
// a referrer outside their channels answers 403 FORBIDDEN.
import { Type } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../commerce/index.ts';
import {
  AarrrQuery,
  AarrrSchema,
  bearer,
  ChannelDaysSchema,
  ChannelFunnelSchema,
  EventFunnelSchema,
  FollowUpSchema,
  FollowUpsQuery,
  GmvSeriesQuery,
  GmvSeriesSchema,
  IdParams,
  PeriodOnlyQuery,
  ReferrerDetailSchema,
  ReferrerSchema,
  ReferrersQuery,
  SessionFunnelQuery,
  SessionFunnelSchema,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { periodOf } from './metrics-schemas.ts';

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
        querystring: PeriodOnlyQuery,
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
        querystring: PeriodOnlyQuery,
        response: { 200: ChannelDaysSchema },
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
        response: { 200: EventFunnelSchema },
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
        querystring: SessionFunnelQuery,
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
        querystring: ReferrersQuery,
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
        querystring: PeriodOnlyQuery,
        response: { 200: ReferrerDetailSchema },
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
        querystring: AarrrQuery,
        response: { 200: AarrrSchema },
      },
    },
    async (request) => metrics.aarrr(principalOf(request), periodOf(request.query), request.query.channelId),
  );

  app.get(
    '/api/metrics/gmv',
    {
      onRequest: readers,
      schema: {
        tags,
        summary:
          'Paid GMV per minute, hour or day of a period (default: the last 24 hours), every bucket from `from`',
        security: bearer,
        querystring: GmvSeriesQuery,
        response: { 200: GmvSeriesSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const to = q.to ?? Date.now();
      const period = periodOf({ from: q.from ?? to - 86_400_000, to });
      return metrics.gmv(principalOf(request), period, q.bucket, q.channelId);
    },
  );

  app.get(
    '/api/metrics/follow-ups',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'People tested in the last N days who have not bought since, with channel and referrer',
        security: bearer,
        querystring: FollowUpsQuery,
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
