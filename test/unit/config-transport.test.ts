// FEISHU_TRANSPORT: webhook (default) or websocket; the long connection needs no encrypt key or token.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
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
