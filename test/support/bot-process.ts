// A bot instance as a real child process: the production entry (src/main.ts) with the environment an operator
// sets, pointed at the fake Open Platform and a shared Redis. Tests SIGKILL it to see what a crash loses.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './redis.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface BotProcess {
  url: string;
  /** SIGKILL: no shutdown hook runs. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (graceful shutdown). */
  stop(): Promise<void>;
  /** What the process wrote to stderr (for a failing test's message). */
  stderr(): string;
  readonly pid: number;
  /** How the process ended, once it has; `crashed`: it exited on its own (not by kill() or stop()). */
  exit(): { code: number | null; signal: NodeJS.Signals | null; crashed: boolean } | undefined;
}

export interface BotProcessOptions {
  redisUrl: string;
  fakeUrl: string;
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  env?: Record<string, string>;
  /** Appends the process's log (stdout) to this file; by default it is dropped. */
  logFile?: string;
}

export async function startBotProcess(o: BotProcessOptions): Promise<BotProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = o.logFile ? openSync(o.logFile, 'a') : undefined;
  // `node --import tsx`, not the tsx CLI: the CLI runs the program in a grandchild that SIGKILL would miss.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      FEISHU_APP_ID: o.appId,
      FEISHU_APP_SECRET: o.appSecret,
      FEISHU_ENCRYPT_KEY: o.encryptKey,
      FEISHU_VERIFICATION_TOKEN: o.verificationToken,
      FEISHU_DOMAIN: o.fakeUrl,
      REDIS_URL: o.redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...o.env,
    },
    stdio: ['ignore', log ?? 'ignore', 'pipe'],
  });
  if (log !== undefined) closeSync(log);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString('utf8')).slice(-20_000);
  });
  let ending = false;
  let ended: { code: number | null; signal: NodeJS.Signals | null; crashed: boolean } | undefined;
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      ended = { code, signal, crashed: !ending };
      r();
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot process exited with ${child.exitCode}: ${err}`);
    try {
      const h = await fetch(`${url}/healthz`);
      if (h.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot process did not become healthy within 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = async (signal: NodeJS.Signals) => {
    ending = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, pid: child.pid ?? 0, kill: () => end('SIGKILL'), stop: () => end('SIGTERM'), stderr: () => err, exit: () => ended };
}
