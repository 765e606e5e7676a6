// Redis connections. The webhook's connection fails fast (Feishu re-pushes, and a card callback must answer
// within 3 s), unlike ioredis' defaults, which queue commands for over a minute while disconnected.
import { Redis, type RedisOptions } from 'ioredis';

export const KEY_PREFIX = 'shuzhi:';

/** A connection for request handling: commands fail within ~0.5 s when Redis is down, reconnects in background. */
export function createFastRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 500,
    autoResubscribe: false,
    // Commands issued in the same tick share one socket write: far fewer syscalls under load.
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
    ...extra,
  });
}

/** A connection as BullMQ requires it (blocking commands, no per-request retry limit). */
export function createQueueRedis(url: string): Redis {
  return new Redis(url, {
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
