// Configuration rows for people and logins: defaults, overrides, and CONFIG_INVALID for bad values.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';

describe('loadConfig for people and logins', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c.people).toEqual({ tiers: ['basic', 'silver', 'gold'], defaultPhoneCountryCode: undefined });
    expect(c.http.trustProxy).toBe(false);
    expect(c.auth).toMatchObject({
      accessTtlSec: 900,
      scryptLog2N: 15,
      loginMaxFailuresPerAccount: 5,
      loginMaxFailuresPerIp: 50,
      loginThrottleWindowSec: 900,
      resetCodeTtlSec: 900,
    });
  });

  it('takes overrides from the environment', () => {
    const c = loadConfig({
      PERSON_TIERS: 'standard, vip',
      PHONE_DEFAULT_COUNTRY_CODE: '852',
      HTTP_TRUST_PROXY: 'true',
      PASSWORD_SCRYPT_LOG2_N: '16',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '10',
      LOGIN_MAX_FAILURES_PER_IP: '500',
      LOGIN_THROTTLE_WINDOW_SEC: '60',
      PASSWORD_RESET_TTL_SEC: '3600',
    });
    expect(c.people).toEqual({ tiers: ['standard', 'vip'], defaultPhoneCountryCode: '852' });
    expect(c.http.trustProxy).toBe(1);
    expect(c.auth).toMatchObject({
      scryptLog2N: 16,
      loginMaxFailuresPerAccount: 10,
      loginMaxFailuresPerIp: 500,
      loginThrottleWindowSec: 60,
      resetCodeTtlSec: 3600,
    });
  });

  it.each([
    ['PERSON_TIERS', 'basic,,gold'],
    ['PERSON_TIERS', 'basic,basic'],
    ['PERSON_TIERS', 'Gold'],
    ['PHONE_DEFAULT_COUNTRY_CODE', '+86'],
    ['PHONE_DEFAULT_COUNTRY_CODE', '0'],
    ['HTTP_TRUST_PROXY', 'yes'],
    ['PASSWORD_SCRYPT_LOG2_N', '10'],
    ['PASSWORD_SCRYPT_LOG2_N', '21'],
    ['LOGIN_MAX_FAILURES_PER_ACCOUNT', '0'],
    ['LOGIN_THROTTLE_WINDOW_SEC', '0'],
    ['PASSWORD_RESET_TTL_SEC', '10'],
  ])('rejects %s=%s with CONFIG_INVALID naming the variable', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', params: expect.objectContaining({ key }) }),
    );
  });
});
