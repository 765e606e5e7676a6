// Who uses the private Redis folder (./var/redis, see store/local-redis.ts), for `npm run reset`:
// - `mode`: "playground", or "feishu" once a bot with a real Feishu app has kept its data there (sticky: a folder
//   that ever held a real tenant's data is never cleared by the reset);
// - `playground.json`: the running playground (pid, address), written at start-up and removed on exit, so that
//   the reset goes through the running process (its Redis is live, and its chats are in its memory).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type RedisMode = 'playground' | 'feishu';

export interface RunningPlayground {
  pid: number;
  /** The bot's base URL: the page, and POST /playground/api/reset. */
  url: string;
}

const MODE_FILE = 'mode';
const INSTANCE_FILE = 'playground.json';

export function readMode(dir: string): RedisMode | undefined {
  try {
    const m = readFileSync(join(dir, MODE_FILE), 'utf8').trim();
    return m === 'playground' || m === 'feishu' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Records who keeps data in `dir`; "feishu" is never turned back into "playground". */
export function markMode(dir: string, mode: RedisMode): void {
  if (readMode(dir) === 'feishu') return;
  writeFileSync(join(dir, MODE_FILE), `${mode}\n`);
}

/** Writes playground.json; returns the function that removes it (only if it is still ours). */
export function writeInstance(dir: string, info: RunningPlayground): () => void {
  const file = join(dir, INSTANCE_FILE);
  writeFileSync(file, `${JSON.stringify(info)}\n`);
  return () => {
    if (readInstanceFile(dir)?.pid === info.pid) rmSync(file, { force: true });
  };
}

function readInstanceFile(dir: string): RunningPlayground | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, INSTANCE_FILE), 'utf8')) as Partial<RunningPlayground>;
    return typeof v.pid === 'number' && typeof v.url === 'string' ? { pid: v.pid, url: v.url } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The playground running on `dir`, if its process is still alive (a file left by a crash is ignored). */
export function runningInstance(dir: string): RunningPlayground | undefined {
  const info = readInstanceFile(dir);
  return info && alive(info.pid) ? info : undefined;
}

/** What Redis keeps in `dir` on disk (AOF folder, RDB snapshot): removed by a reset while nothing runs. */
export function redisDataFiles(dir: string): string[] {
  return ['appendonlydir', 'dump.rdb'].map((f) => join(dir, f)).filter((f) => existsSync(f));
}
