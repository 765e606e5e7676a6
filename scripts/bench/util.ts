// Shared pieces of the benchmarks: a private redis-server, child servers, autocannon runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { decryptPayload, safeEqual, signBody } from '../../src/feishu/crypto.ts';
import { startLocalRedis } from '../../src/store/local-redis.ts';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

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
/**
 * Bundles FILE with esbuild the way `npm start` bundles the bot (scripts/build.mjs: dependencies external, plain
 * node, no TypeScript loader), so that a child's memory and speed are production's. Returns the bundle's path.
 */
async function bundle(file: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = join('dist', 'bench', `${basename(file).replace(/\.ts$/, '')}.mjs`);
  await build({ entryPoints: [file], outfile: out, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return out;
}

export async function startChild(file: string, args: string[]): Promise<{ address: string; proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [await bundle(file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/**
 * The least any webhook must do, as a bare fastify app: raw body, signature check, decrypt, parse; `then` adds
 * the rest of a baseline (e.g. the Redis round trips of the edge bench). The benchmarks' common yardstick.
 */
export async function bareWebhook(
  key: string,
  then: (event: { header?: { event_id?: string } }) => Promise<void> = async () => undefined,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  app.post('/feishu/events', async (req, reply) => {
    const raw = req.body as Buffer;
    const ts = req.headers['x-lark-request-timestamp'] as string;
    const nonce = req.headers['x-lark-request-nonce'] as string;
    const sig = req.headers['x-lark-signature'] as string;
    if (!safeEqual(signBody(ts, nonce, key, raw), sig)) return reply.code(401).send({});
    const outer = JSON.parse(raw.toString('utf8')) as { encrypt: string };
    await then(JSON.parse(decryptPayload(key, outer.encrypt)));
    return reply.code(200).send({});
  });
  return app;
}
