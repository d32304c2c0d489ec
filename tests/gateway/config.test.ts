// Configuration: documented defaults, env overrides, and coded errors for bad values.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../../gateway/config.ts';

describe('loadConfig', () => {
  it('uses the defaults when the environment is empty', () => {
    const c = loadConfig({});
    expect(c.http.port).toEqual({ port: DEFAULTS.HTTP_PORT, explicit: false });
    expect(c.mqtt.port).toEqual({ port: 1883, explicit: false });
    expect(c.media.workers).toBe(os.availableParallelism());
    expect(c.redisUrl).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });

  it('takes overrides from the environment and marks ports explicit', () => {
    const c = loadConfig({
      HTTP_PORT: '8080',
      MQTT_PORT: '1999',
      MEDIA_WORKERS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://u@h/db',
      LOG_LEVEL: 'debug',
    });
    expect(c.http.port).toEqual({ port: 8080, explicit: true });
    expect(c.mqtt.port).toEqual({ port: 1999, explicit: true });
    expect(c.media.workers).toBe(0);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.logLevel).toBe('debug');
  });

  it.each([
    ['HTTP_PORT', '70000'],
    ['MQTT_PORT', 'abc'],
    ['MEDIA_WORKERS', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_URL', 'http://x'],
    ['DATABASE_URL', 'mysql://x'],
    ['MEDIA_RTC_MAX_PORT', '2000'],
  ])('rejects %s=%s with CONFIG_INVALID', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
