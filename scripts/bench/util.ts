// Shared pieces of the benchmarks: a private redis-server, child servers, autocannon runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shuzhi-bench-redis-'));
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.end();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((res) => {
        proc.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Starts `tsx FILE ARGS…` and resolves with its LISTENING address. */
export async function startChild(file: string, args: string[]): Promise<{ address: string; proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/LISTENING (\S+)/);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    address,
    proc,
    stop: () =>
      new Promise((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}
