// The gateway's public API for whoever runs a whole platform node outside gateway/main.ts (benchmark
// targets, browser tests): configuration, logger, the composition root (the node itself, or commerce
// beside one for seeding), and token minting for seeded users.
export type { Commerce, Synthetic, World } from '../commerce/index.ts';
export { TokenService } from './auth/index.ts';
export { buildEdge, commerceSink, provisionDevices } from './compose/edge.ts';
export { openCommerce } from './compose/services.ts';
export { loadConfig, type PlatformConfig } from './config.ts';
export { createLogger } from './logger.ts';
export type { SessionDirectory } from './media-gateway.ts';
export { type Platform, startPlatform } from './platform.ts';
