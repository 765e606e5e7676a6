// A private redis-server from PATH, configured as BullMQ requires (noeviction) with AOF everysec.
// `npm start` without REDIS_URL keeps its data under ./var/redis; tests and benchmarks use a temporary folder.
// One implementation for all three, so that what the tests run is what `npm start` runs.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

export class RedisServerMissing extends Error {
  constructor() {
    super(
      '未找到 redis-server（redis-server not found on PATH）。请安装 Redis（Debian/Ubuntu: sudo apt-get install redis-server）' +
        '，或设置 REDIS_URL 指向已有的 Redis，例如 REDIS_URL=redis://127.0.0.1:6379',
    );
    this.name = 'RedisServerMissing';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

/** Resolves once something listens on 127.0.0.1:port; rejects after timeoutMs, or as soon as `proc` exits. */
export async function waitListening(port: number, proc: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.end();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not start listening on ${port} within ${timeoutMs} ms`);
}

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM, which flushes the AOF). */
  stop(): Promise<void>;
  /** Kills the server with SIGKILL (a crash: the AOF keeps what was fsynced, at most about 1 s is lost). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that keeps its connections but answers nothing (tests of a hung Redis). */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and folder (after stop). */
  start(): Promise<void>;
}

export async function startLocalRedis(dir = resolve('var/redis'), o: { logfile?: string } = {}): Promise<LocalRedis> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new RedisServerMissing();
  }
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    const p = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
        '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction',
        '--save', '', '--logfile', o.logfile ?? 'redis.log',
      ],
      { stdio: 'ignore' },
    );
    proc = p;
    await waitListening(port, p, 10_000);
  };
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((res) => {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return res();
      p.once('exit', () => res());
      p.kill(signal);
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    pause: () => proc?.kill('SIGSTOP'),
    resume: () => proc?.kill('SIGCONT'),
    start,
  };
}
