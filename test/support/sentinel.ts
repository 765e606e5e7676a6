// A Redis Sentinel set for one test file: a master, a replica and three sentinels (`redis-server --sentinel`),
// each a real redis-server on a free port in a temporary folder. `killMaster()` SIGKILLs the current master, and
// the sentinels fail over to the replica.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitListening } from '../../src/store/local-redis.ts';
import { freePort } from './redis.ts';

export const MASTER_NAME = 'shuzhi-master';

export interface TestSentinels {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  /** Port of the master as the sentinels currently see it. */
  masterPort(): Promise<number>;
  /** SIGKILLs the current master; resolves when the sentinels name another one. */
  killMaster(): Promise<{ oldPort: number; newPort: number; ms: number }>;
  close(): Promise<void>;
}

export async function startSentinels(): Promise<TestSentinels> {
  const dir = mkdtempSync(join(tmpdir(), 'shuzhi-sentinel-'));
  const procs = new Map<number, ChildProcess>();
  const server = async (port: number, args: string[]) => {
    const p = spawn('redis-server', args, { stdio: 'ignore' });
    procs.set(port, p);
    await waitListening(port, p, 10_000);
  };
  const [m, r, s1, s2, s3] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const data = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `d${port}.rdb`, '--appendonly', 'yes', '--appendfilename', `a${port}.aof`, '--appenddirname', `aof${port}`, '--maxmemory-policy', 'noeviction'];
  await server(m!, data(m!));
  await server(r!, [...data(r!), '--replicaof', '127.0.0.1', String(m)]);
  for (const sp of [s1!, s2!, s3!]) {
    const conf = join(dir, `sentinel-${sp}.conf`);
    writeFileSync(
      conf,
      [
        `port ${sp}`,
        'bind 127.0.0.1',
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${m} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    await server(sp, [conf, '--sentinel']);
  }
  const sentinels = [s1!, s2!, s3!].map((port) => ({ host: '127.0.0.1', port }));
  const ask = async (): Promise<number> => {
    const c = new Redis({ host: '127.0.0.1', port: s1!, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await c.connect();
      const a = (await c.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME)) as [string, string];
      return Number(a[1]);
    } finally {
      c.disconnect();
    }
  };
  // The replica has to be in sync before a failover can promote it.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = new Redis({ host: '127.0.0.1', port: r!, lazyConnect: true });
    await c.connect();
    const info = await c.info('replication');
    c.disconnect();
    if (/master_link_status:up/.test(info)) break;
    if (Date.now() > deadline) throw new Error('the replica did not sync');
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    sentinels,
    name: MASTER_NAME,
    masterPort: ask,
    async killMaster() {
      const oldPort = await ask();
      const t0 = Date.now();
      procs.get(oldPort)?.kill('SIGKILL');
      for (;;) {
        const now = await ask().catch(() => oldPort);
        if (now !== oldPort) return { oldPort, newPort: now, ms: Date.now() - t0 };
        if (Date.now() - t0 > 30_000) throw new Error('no failover within 30 s');
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async close() {
      await Promise.all(
        [...procs.values()].map(
          (p) =>
            new Promise<void>((res) => {
              if (p.exitCode !== null || p.signalCode !== null) return res();
              p.once('exit', () => res());
              p.kill('SIGKILL');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
