// Only a complete report counts for a deadline, end to end: two secretaries publish through 生成文档 (the real
// publisher, the fake Open Platform), one report complete and one with nothing but its setup. The publisher
// records the verdict of src/report/completeness.ts with the submission; the deadline counts the first as
// 已提交（内容完整） with its link and the second as 填写中, in the group's counts and in the collector's list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadlineFeature, type DeadlineFeature } from '../../src/nudges/feature.ts';
import { createPublisher } from '../../src/publish/publisher.ts';
import { getSubmission } from '../../src/publish/submissions.ts';
import type { Session, WalkAnswers } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';
import { waitFor } from '../support/wait.ts';

const OWNER = 'ou_dept_owner';
const FULL = 'ou_sec_full';
const EMPTY = 'ou_sec_empty';
const CHAT = 'oc_publish_deadline';
let h: Harness;
const features: DeadlineFeature[] = [];

beforeAll(async () => {
  h = await startHarness({
    configure: (base) => {
      const f = createDeadlineFeature({ ...base, tz: TZ, openWalkthrough: async () => ({}) });
      features.push(f);
      return { features: [f.feature], publisher: createPublisher({ ...base, tz: TZ, docUrlBase: 'https://example.feishu.cn', retryBackoffMs: 50 }) };
    },
  });
  h.fake.addUser({ openId: OWNER, name: '李部长' });
  h.fake.addUser({ openId: FULL, name: '王书记' });
  h.fake.addUser({ openId: EMPTY, name: '赵书记' });
  h.fake.addChat({ chatId: CHAT, name: '述职工作群', type: 'group', members: [OWNER, FULL, EMPTY], ownerId: OWNER });
});

afterAll(async () => {
  await h?.close();
});


/** Starts the walk-through in the chat, stores `answers` at the preview step, reopens it and clicks 生成文档. */
async function publish(openId: string, answers: (s: Session) => WalkAnswers): Promise<Session> {
  const chat = h.fake.p2pChatOf(openId);
  const cards = () => h.fake.messages(chat).filter((m) => m.msgType === 'interactive');
  const n0 = cards().length;
  await h.fake.userSendsText({ chatId: chat, openId, text: '写述职报告' });
  const first = await waitFor(() => cards()[n0], 'the first walk-through card');
  const sid = buttons(first.content).map((b) => b.value.s).find((s) => typeof s === 'string') as string;
  const sessions = new SessionStore(h.instances[0]!.redis);
  const loaded = await sessions.byId(sid);
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  const s: Session = { ...structuredClone(loaded.session), answers: answers(loaded.session), step: 'preview', rev: loaded.session.rev + 1 };
  expect(await sessions.save(loaded.key, loaded.session.rev, s)).toBe(true);
  const n1 = cards().length;
  await h.fake.userSendsText({ chatId: chat, openId, text: '继续' });
  const preview = await waitFor(() => cards()[n1], 'the preview card');
  await click(h.fake, preview, openId, '生成文档');
  await waitFor(async () => (await getSubmission(h.instances[0]!.redis, s.tenantKey, openId, s.year)) ?? undefined, 'the submission');
  return s;
}

const setup = (s: Session) => ({ unit: '区财政局', orgType: '党支部' as const, year: s.year, superior: '区直机关工委' });

describe('what counts as submitted for a deadline', () => {
  it('the publisher marks a complete report complete and an empty one not; the deadline counts only the first', async () => {
    const full = await publish(FULL, (s) => ({
      setup: setup(s),
      opening: [`${s.year}年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责`],
      achievements: s.answers.achievements.map((a, i) => ({ ...a, paragraphs: i === 0 ? ['全年主持召开支委会12次，严格落实“三会一课”制度'] : [] })),
      rectification: [],
      problems: [{ problem: '党建工作创新不够', analysis: ['工作方法较为传统'] }],
      plan: { items: ['持续加强理论武装'] },
    }));
    const empty = await publish(EMPTY, (s) => ({ ...s.answers, setup: setup(s) }));
    const redis = h.instances[0]!.redis;
    expect(await getSubmission(redis, full.tenantKey, FULL, full.year)).toMatchObject({ complete: true });
    expect(await getSubmission(redis, empty.tenantKey, EMPTY, empty.year)).toMatchObject({ complete: false });

    const f = features.at(-1)!;
    const r = await f.upsert({ tenantKey: full.tenantKey, chatId: CHAT, setBy: OWNER, settings: { title: `${full.year}年度述职报告`, due: Date.now() + 10 * 86_400_000 } });
    expect(r.ok).toBe(true);
    const p = await f.progress((r as { deadline: Parameters<typeof f.progress>[0] }).deadline);
    expect(p).toMatchObject({ total: 2, done: 1, writing: 1, notStarted: 0 });

    const ownerChat = h.fake.p2pChatOf(OWNER);
    await h.fake.userSendsText({ chatId: CHAT, openId: OWNER, text: '进度', mentionBot: true });
    const list = await waitFor(() => h.fake.messages(ownerChat).find((m) => m.msgType === 'interactive'), 'the collector’s list');
    const text = cardText(list.content);
    expect(text).toContain('已提交（内容完整）1/2，填写中 1，未开始 0');
    expect(text).toMatch(/王书记：\[查看报告\]\(https:\/\/example\.feishu\.cn\/docx\/\w+\)/);
    expect(text).toContain('赵书记：填写中（已生成文档，尚缺开头概述、主要成绩、存在问题、工作思路）');
  });
});
