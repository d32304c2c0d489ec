export {
  applyViewerEvents,
  type ChannelResolver,
  type FunnelRow,
  liveFunnelConsumer,
  readLiveFunnel,
} from './live-funnel.ts';
