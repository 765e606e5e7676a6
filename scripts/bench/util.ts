// Shared pieces of the benchmarks: a private redis-server, child servers, autocannon runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { startLocalRedis } from '../../src/store/local-redis.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'shuzhi-bench-redis-'));
  const r = await startLocalRedis(dir);
  return {
    url: r.url,
    stop: async () => {
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    },
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
