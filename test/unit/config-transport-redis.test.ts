// FEISHU_TRANSPORT (webhook or websocket) and the Redis target (REDIS_URL or Sentinel).
import { describe, expect, it } from 'vitest';
import { loadConfig, redisTargetOf } from '../../src/config.ts';
import { adviceFor } from '../../src/feishu/ws.ts';

const app = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's' };

describe('FEISHU_TRANSPORT', () => {
  it('defaults to the webhook, which needs an encrypt key or a verification token', () => {
    expect(loadConfig({ ...app, FEISHU_ENCRYPT_KEY: 'k' }).FEISHU_TRANSPORT).toBe('webhook');
    expect(() => loadConfig(app)).toThrow(/FEISHU_ENCRYPT_KEY[\s\S]*FEISHU_TRANSPORT=websocket/);
  });

  it('websocket needs only the app id and secret', () => {
    expect(loadConfig({ ...app, FEISHU_TRANSPORT: 'websocket' }).FEISHU_TRANSPORT).toBe('websocket');
  });

  it('names a wrong value', () => {
    expect(() => loadConfig({ ...app, FEISHU_TRANSPORT: 'ws' })).toThrow(/FEISHU_TRANSPORT 只能是 webhook（默认）或 websocket（长连接）/);
  });
});

describe('what the bot says to check when Feishu refuses the long connection', () => {
  it.each([
    [514, 'FEISHU_APP_SECRET'],
    [403, '使用长连接接收事件/回调'],
    [1000040350, '50'],
  ])('%i → %s', (code, text) => {
    expect(adviceFor(code)).toContain(text);
  });
});

describe('Redis Sentinel settings', () => {
  const base = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's', FEISHU_ENCRYPT_KEY: 'k' };
  it('reads REDIS_SENTINELS and REDIS_SENTINEL_NAME as the Redis target', () => {
    const c = loadConfig({ ...base, REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380', REDIS_SENTINEL_NAME: 'mymaster', REDIS_PASSWORD: 'pw' });
    expect(redisTargetOf(c)).toEqual({ sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }], name: 'mymaster', password: 'pw' });
    expect(redisTargetOf(loadConfig({ ...base, REDIS_URL: 'redis://h:6379' }))).toBe('redis://h:6379');
    expect(redisTargetOf(loadConfig(base))).toBeUndefined();
  });

  it('names every wrong combination', () => {
    expect(() => loadConfig({ ...base, REDIS_SENTINELS: 'h:1', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://h' })).toThrow(/只能设置其一/);
    expect(() => loadConfig({ ...base, REDIS_SENTINELS: 'h:1' })).toThrow(/REDIS_SENTINEL_NAME/);
    expect(() => loadConfig({ ...base, REDIS_SENTINEL_NAME: 'm' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ ...base, REDIS_SENTINELS: 'h', REDIS_SENTINEL_NAME: 'm' })).toThrow(/host:port/);
  });
});
