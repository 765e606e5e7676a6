// The console of `npm start`: fastify's request lines at info with a Feishu app and at debug in the
// playground (its page polls and streams), and the banner printed again on request (b + Enter, SIGUSR2).
import { PassThrough, Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { onBannerRequest } from '../../src/console.ts';
import { createMetrics } from '../../src/metrics.ts';

/** The log lines (their msg) fastify writes for a request to /metrics and one to an unknown route. */
async function requestLines(level: 'info' | 'debug', requestLogLevel?: 'info' | 'debug'): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push((JSON.parse(l) as { msg: string }).msg);
      done();
    },
  });
  // Never connects: neither route touches Redis.
  const redis = new Redis({ lazyConnect: true });
  const app = await buildApp({ redis, metrics: createMetrics(), handle: async () => undefined, logger: pino({ level }, sink), requestLogLevel });
  await app.inject({ url: '/metrics' });
  await app.inject({ url: '/favicon.ico' });
  await app.close();
  redis.disconnect();
  return lines;
}

describe('request lines', () => {
  it('are logged at info by default (a Feishu app): two per request', async () => {
    const lines = await requestLines('info');
    expect(lines.filter((m) => m === 'incoming request')).toHaveLength(2);
    expect(lines.filter((m) => m === 'request completed')).toHaveLength(2);
    expect(lines).toContain('Route GET:/favicon.ico not found');
  });

  it('are debug lines in the playground: none at info, all at debug', async () => {
    expect(await requestLines('info', 'debug')).toEqual([]);
    const debug = await requestLines('debug', 'debug');
    expect(debug.filter((m) => m === 'incoming request')).toHaveLength(2);
    expect(debug).toContain('Route GET:/favicon.ico not found');
  });
});

describe('the banner on request', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('comes again for b + Enter typed in the terminal, and for SIGUSR2', async () => {
    let shown = 0;
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    stop = onBannerRequest(() => shown++, { input: tty });
    tty.write('b\n');
    tty.write('hello\n');
    tty.write(' B \n');
    await new Promise((r) => setImmediate(r));
    expect(shown).toBe(2);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(shown).toBe(3);
    stop();
    stop = undefined;
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(shown).toBe(3);
  });

  it('reads nothing from stdin that is not a terminal (a bot run in the background)', async () => {
    let shown = 0;
    const pipe = new PassThrough();
    stop = onBannerRequest(() => shown++, { input: pipe });
    pipe.write('b\n');
    await new Promise((r) => setImmediate(r));
    expect(shown).toBe(0);
  });
});
