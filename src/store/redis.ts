// Redis connections. The webhook's connection fails fast (Feishu re-pushes, and a card callback must answer
// within 3 s), unlike ioredis' defaults, which queue commands for over a minute while disconnected.
import { Redis, type RedisOptions } from 'ioredis';

export const KEY_PREFIX = 'shuzhi:';

/**
 * Where Redis is: a URL (REDIS_URL), or a master found through Redis Sentinel (REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME); ioredis asks the sentinels for the current master and follows a failover.
 * Redis Cluster is not supported (the Lua scripts and BullMQ's keys are not hash-tagged).
 */
export type RedisTarget = string | { sentinels: Array<{ host: string; port: number }>; name: string; password?: string };

/** Parses "host:port,host:port" (REDIS_SENTINELS). Throws on a malformed entry. */
export function parseSentinels(list: string): Array<{ host: string; port: number }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
      if (!m) throw new Error(`not host:port: ${s}`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
}

/** For messages: where the target points, without credentials. */
export function describeTarget(t: RedisTarget): string {
  if (typeof t === 'string') return `REDIS_URL=${t.replace(/\/\/[^@]*@/, '//***@')}`;
  return `REDIS_SENTINELS=${t.sentinels.map((x) => `${x.host}:${x.port}`).join(',')} REDIS_SENTINEL_NAME=${t.name}`;
}

function connect(t: RedisTarget, o: RedisOptions): Redis {
  if (typeof t === 'string') return new Redis(t, o);
  return new Redis({ ...o, sentinels: t.sentinels, name: t.name, ...(t.password ? { password: t.password } : {}) });
}

/**
 * A connection for request handling. While Redis is DOWN (disconnected) commands fail at once (no offline
 * queue, no retries): Feishu re-pushes, and a card callback gets a polite toast. While it is merely BUSY (a
 * burst of 1,000 clicks), commands wait for their answer: no command timeout, which under such a burst failed
 * clicks that would have succeeded ('Command timed out'); the edge's deadline race still answers in time.
 */
export function createFastRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  return connect(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    autoResubscribe: false,
    // Commands issued in the same tick share one socket write: far fewer syscalls under load.
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
    ...extra,
  });
}

/** A connection as BullMQ requires it (blocking commands, no per-request retry limit). */
export function createQueueRedis(target: RedisTarget): Redis {
  return connect(target, {
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
}

/** Resolves once the client is ready, or rejects after timeoutMs. */
export async function waitReady(client: Redis, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
