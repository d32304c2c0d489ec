export { type ConversionRollupOptions, conversionRollupConsumer } from './conversion-consumer.ts';
export { DAY_MS, dayOf } from './counters.ts';
export {
  GMV_BUCKETS,
  GMV_MAX_POINTS,
  type GmvBucket,
  type GmvPoint,
  type GmvSeries,
  gmvSeries,
} from './gmv-series.ts';
export {
  checkGoalRule,
  GOAL_MAX_LENGTH,
  GOAL_RULES_MAX,
  type GoalRule,
  type GoalRulePatch,
  GoalRules,
  type NewGoalRule,
} from './goal-rules.ts';
export {
  applyViewerEvents,
  type ChannelResolver,
  type FunnelRow,
  liveFunnelConsumer,
  readLiveFunnel,
  readSessionPresence,
  type SessionPresence,
} from './live-funnel.ts';
export { Metrics, type SessionFunnel } from './metrics.ts';
export {
  type Aarrr,
  aarrr,
  type ChannelFunnel,
  channelFunnels,
  channelSeries,
  type EventFunnel,
  eventFunnel,
  type FollowUp,
  followUps,
  type Period,
  type ReferrerFigures,
  referrerFigures,
} from './queries.ts';
export { type CardRecommendation, recommendCards } from './recommendations.ts';
