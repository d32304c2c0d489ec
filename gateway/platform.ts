// The all-in-one platform node is composed in gateway/compose/platform.ts; this path stays for callers
// that import it from here.
export {
  type Platform,
  type PlatformBroker,
  type PlatformOptions,
  startPlatform,
} from './compose/platform.ts';
