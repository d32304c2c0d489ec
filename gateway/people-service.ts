// Builds the commerce People service from the process configuration; shared by the HTTP routes and the
// bootstrap command so both apply the same tiers, costs, lifetimes and throttle limits.
import { type Messenger, People, type PeopleOptions, type Store } from '../commerce/index.ts';
import type { PlatformConfig } from './config.ts';

export function createPeople(
  store: Store,
  config: Pick<PlatformConfig, 'auth' | 'people' | 'contacts'>,
  overrides: Pick<PeopleOptions, 'now' | 'codes'> & { messenger?: Messenger } = {},
): People {
  const c = config.contacts;
  return new People(store, {
    tiers: config.people.tiers,
    defaultPhoneCountryCode: config.people.defaultPhoneCountryCode,
    scryptLog2N: config.auth.scryptLog2N,
    refreshTtlMs: config.auth.refreshTtlSec * 1000,
    resetCodeTtlMs: config.auth.resetCodeTtlSec * 1000,
    loginMaxFailuresPerAccount: config.auth.loginMaxFailuresPerAccount,
    loginMaxFailuresPerIp: config.auth.loginMaxFailuresPerIp,
    loginMaxFailuresPerAccountAllIps: config.auth.loginMaxFailuresPerAccountAllIps,
    loginThrottleWindowMs: config.auth.loginThrottleWindowSec * 1000,
    contactProof: {
      codeTtlMs: c.codeTtlSec * 1000,
      maxTries: c.codeMaxTries,
      sendsPerContact: c.codesPerContact,
      sendsPerIp: c.codesPerIp,
      checksPerIp: c.checksPerIp,
      windowMs: c.windowSec * 1000,
    },
    ...overrides,
  });
}
