// Playground mode: the embedded fake Open Platform with a small demo organization, and (on the bot's own
// server) the routes of the local web chat. Everything the page does goes through the fake, which turns it
// into the same signed events and card callbacks Feishu sends to POST /feishu/events.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type PlaygroundAssets, playgroundRoutes } from './api.ts';
import { createPlaygroundClock, type PlaygroundClock } from './clock.ts';
import { type FakeFeishu, startFakeFeishu } from './fake/index.ts';

export { createPlaygroundClock, type PlaygroundClock } from './clock.ts';

export const DEMO_USERS = [
  { openId: 'ou_demo_secretary', name: '张书记', role: '党支部书记' },
  { openId: 'ou_demo_owner', name: '李部长', role: '组织部（群主）' },
  { openId: 'ou_demo_member', name: '王同志', role: '党支部书记' },
  { openId: 'ou_demo_member2', name: '赵同志', role: '党支部书记' },
] as const;

export const DEMO_GROUP = { chatId: 'oc_demo_group', name: '2026年度述职工作群' };

export interface Playground {
  fake: FakeFeishu;
  clock: PlaygroundClock;
  routes(app: FastifyInstance): Promise<void>;
  /**
   * Offers 重置演示数据 (page button, `npm run reset`): `clearStore` empties the bot's Redis and plans the
   * recurring jobs again; the fake's chats and documents and the clock offset go too. main calls it only for
   * the private redis-server under ./var/redis, never for a REDIS_URL the operator set.
   */
  allowReset(clearStore: () => Promise<void>): void;
  close(): Promise<void>;
}

/**
 * The page's sources: beside this file when run from src/ (tsx, tests), or under src/playground/web of the
 * package when run from the production bundle (dist/main.js, see scripts/build.mjs).
 */
const WEB_DIR = [new URL('./web/', import.meta.url), new URL('../src/playground/web/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((d) => existsSync(`${d}main.ts`)) ?? fileURLToPath(new URL('./web/', import.meta.url));

/** Bundles the page's client (plain TypeScript) with esbuild, in memory: no build step before `npm start`. */
export async function buildAssets(): Promise<PlaygroundAssets> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [`${WEB_DIR}main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = r.outputFiles[0]?.text;
  if (!js) throw new Error('playground: esbuild produced no bundle');
  const [html, css] = await Promise.all([readFile(`${WEB_DIR}index.html`, 'utf8'), readFile(`${WEB_DIR}styles.css`, 'utf8')]);
  return { html, js, css };
}

export async function startPlayground(o: {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  botUrl: string;
  logger?: { info(...a: unknown[]): void; warn(...a: unknown[]): void };
  /** The fake clock shared with the bot (main creates it). Default: a fresh one at real time. */
  clock?: PlaygroundClock;
  /** Zone the page shows times in. Default Asia/Shanghai. */
  tz?: string;
  /** How the fake delivers events and callbacks (FEISHU_TRANSPORT). Default webhook. */
  transport?: 'webhook' | 'websocket';
}): Promise<Playground> {
  const clock = o.clock ?? createPlaygroundClock();
  const assets = await buildAssets();
  const fake = await startFakeFeishu({
    appId: o.appId,
    appSecret: o.appSecret,
    encryptKey: o.encryptKey,
    verificationToken: o.verificationToken,
    botUrl: o.botUrl,
    logger: o.logger,
    now: clock.now,
    transport: o.transport,
  });
  // 王同志's tenant has not granted the employee-id scope: his events carry "user_id": null, as real ones do.
  for (const u of DEMO_USERS) fake.addUser({ openId: u.openId, name: u.name, userIdVisible: u.openId !== 'ou_demo_member' });
  fake.addChat({
    chatId: DEMO_GROUP.chatId,
    name: DEMO_GROUP.name,
    type: 'group',
    members: DEMO_USERS.map((u) => u.openId),
    ownerId: 'ou_demo_owner',
    managerIds: [],
    botIsMember: true,
  });
  let clearStore: (() => Promise<void>) | undefined;
  const reset = {
    available: () => clearStore !== undefined,
    async run() {
      if (!clearStore) throw new Error('playground: reset is not available');
      await clearStore();
      fake.clearHistory();
      clock.reset();
    },
  };
  return {
    fake,
    clock,
    routes: playgroundRoutes({ fake, clock, users: DEMO_USERS, group: DEMO_GROUP, tz: o.tz ?? 'Asia/Shanghai', assets, reset }),
    allowReset(f) {
      clearStore = f;
    },
    close: () => fake.close(),
  };
}
