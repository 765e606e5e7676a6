import { describe, expect, it } from 'vitest';
import { ConfigError, isPlayground, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('has defaults and runs the playground without an app', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.BOT_TZ).toBe('Asia/Shanghai');
    expect(c.FEISHU_DOMAIN).toBe('https://open.feishu.cn');
    expect(c.FEISHU_MAX_SKEW_S).toBe(3600);
    expect(isPlayground(c)).toBe(true);
    // The playground page has no login: it listens locally unless HOST says otherwise.
    expect(c.HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('logs quietly in the playground (warn) and at info with a Feishu app; LOG_LEVEL overrides both', () => {
    const app = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's', FEISHU_ENCRYPT_KEY: 'k' };
    expect(loadConfig({}).LOG_LEVEL).toBe('warn');
    expect(loadConfig(app).LOG_LEVEL).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'info' }).LOG_LEVEL).toBe('info');
    expect(loadConfig({ ...app, LOG_LEVEL: 'error' }).LOG_LEVEL).toBe('error');
  });

  it('accepts a full real configuration and strips the trailing slash of the domain', () => {
    const c = loadConfig({
      FEISHU_APP_ID: 'cli_0123456789abcdef',
      FEISHU_APP_SECRET: 's',
      FEISHU_ENCRYPT_KEY: 'k',
      FEISHU_DOMAIN: 'http://127.0.0.1:9000/',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '8080',
    });
    expect(c.FEISHU_DOMAIN).toBe('http://127.0.0.1:9000');
    expect(c.PORT).toBe(8080);
    expect(c.HOST).toBe('0.0.0.0');
    expect(isPlayground(c)).toBe(false);
  });

  it('names every bad value in one error', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', BOT_TZ: 'Mars/Base', REDIS_URL: 'localhost:6379', FEISHU_DOMAIN: 'not a url', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const name of ['PORT', 'BOT_TZ', 'REDIS_URL', 'FEISHU_DOMAIN', 'LOG_LEVEL']) expect(msg).toContain(name);
    expect((err as ConfigError).problems).toHaveLength(5);
  });

  it('requires the secret with the app id and an event check for a real app', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x' })).toThrow(/FEISHU_APP_SECRET/);
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's' })).toThrow(/FEISHU_ENCRYPT_KEY/);
  });
});
