// Starts a private redis-server on a free port for one test file. Real Redis, never a mock: the same
// start-up as `npm start` (src/store/local-redis.ts), in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startLocalRedis } from '../../src/store/local-redis.ts';

export { freePort };

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: connected, but answering nothing. */
  pause(): void;
  resume(): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'shuzhi-redis-'));
  const r = await startLocalRedis(dir);
  return {
    url: r.url,
    port: r.port,
    start: r.start,
    stop: r.stop,
    kill: r.kill,
    pause: r.pause,
    resume: r.resume,
    close: async () => {
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
