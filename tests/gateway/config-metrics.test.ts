// Metrics configuration: the attribution window, follow-up look-back and recommendation age.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';

describe('metrics configuration', () => {
  it('defaults to a 7-day attribution window, 14-day follow-ups, 30-day recommendations', () => {
    expect(loadConfig({}).metrics).toEqual({
      attributionWindowDays: 7,
      followUpDays: 14,
      recommendationMaxAgeDays: 30,
    });
  });

  it('takes overrides', () => {
    const c = loadConfig({
      ATTRIBUTION_WINDOW_DAYS: '3',
      FOLLOW_UP_DAYS: '30',
      RECOMMENDATION_MAX_AGE_DAYS: '90',
    });
    expect(c.metrics).toEqual({ attributionWindowDays: 3, followUpDays: 30, recommendationMaxAgeDays: 90 });
  });

  it.each([
    ['ATTRIBUTION_WINDOW_DAYS', '-1'],
    ['ATTRIBUTION_WINDOW_DAYS', 'week'],
    ['FOLLOW_UP_DAYS', '0'],
    ['RECOMMENDATION_MAX_AGE_DAYS', '1000'],
  ])('rejects %s=%s with CONFIG_INVALID', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
