// The gateway's public API for whoever runs a whole platform node outside gateway/main.ts (benchmark
// targets, browser tests): configuration, logger, the node itself, and token minting for seeded users.
export { TokenService } from './auth/index.ts';
export { loadConfig, type PlatformConfig } from './config.ts';
export { createLogger } from './logger.ts';
export type { SessionDirectory } from './media-gateway.ts';
export { type Platform, startPlatform } from './platform.ts';
