// Media configuration: the consumer budget's default and bounds.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../../gateway/config.ts';

describe('media config', () => {
  it('defaults the consumer budget to 400 and takes an override', () => {
    expect(DEFAULTS.MEDIA_CONSUMER_BUDGET).toBe(400);
    expect(loadConfig({}).media.consumerBudget).toBe(400);
    expect(loadConfig({ MEDIA_CONSUMER_BUDGET: '250' }).media.consumerBudget).toBe(250);
  });

  it.each(['0', '-5', 'many', '1.5'])('rejects MEDIA_CONSUMER_BUDGET=%s', (value) => {
    expect(() => loadConfig({ MEDIA_CONSUMER_BUDGET: value })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        params: expect.objectContaining({ key: 'MEDIA_CONSUMER_BUDGET' }),
      }),
    );
  });
});
