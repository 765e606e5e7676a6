// Playground mode: the embedded fake Open Platform with a small demo organization, and (on the bot's own
// server) the routes of the local web chat. Everything the page does goes through the fake, which turns it
// into the same signed events and card callbacks Feishu sends to POST /feishu/events.
import type { FastifyInstance } from 'fastify';
import { type FakeFeishu, startFakeFeishu } from './fake/index.ts';

export const DEMO_USERS = [
  { openId: 'ou_demo_secretary', name: '张书记', role: '党支部书记' },
  { openId: 'ou_demo_owner', name: '李部长', role: '组织部（群主）' },
  { openId: 'ou_demo_member', name: '王同志', role: '党支部书记' },
  { openId: 'ou_demo_member2', name: '赵同志', role: '党支部书记' },
] as const;

export const DEMO_GROUP = { chatId: 'oc_demo_group', name: '2026年度述职工作群' };

export interface Playground {
  fake: FakeFeishu;
  routes(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

export async function startPlayground(o: {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  botUrl: string;
  logger?: { info(...a: unknown[]): void; warn(...a: unknown[]): void };
}): Promise<Playground> {
  const fake = await startFakeFeishu({
    appId: o.appId,
    appSecret: o.appSecret,
    encryptKey: o.encryptKey,
    verificationToken: o.verificationToken,
    botUrl: o.botUrl,
    logger: o.logger,
  });
  for (const u of DEMO_USERS) fake.addUser({ openId: u.openId, name: u.name });
  fake.addChat({
    chatId: DEMO_GROUP.chatId,
    name: DEMO_GROUP.name,
    type: 'group',
    members: DEMO_USERS.map((u) => u.openId),
    ownerId: 'ou_demo_owner',
    managerIds: [],
    botIsMember: true,
  });
  return {
    fake,
    routes: async (_app) => {
      // The web chat (issue: the local playground) registers its routes here.
    },
    close: () => fake.close(),
  };
}
