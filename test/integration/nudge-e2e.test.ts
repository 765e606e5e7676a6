// Deadlines and nudges in a group chat, end to end: real redis-server, the fake Open Platform over HTTP, two
// bot instances. Time is an injected clock: nudge jobs are run by calling the job processor at the planned
// moments (the BullMQ delays of those jobs are weeks of real time), except in the last test, where one job
// is due 1.5 s after scheduling and goes through BullMQ across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadlineFeature, type DeadlineFeature, NUDGE_JOB, nudgeJobId } from '../../src/nudges/feature.ts';
import type { Deadline } from '../../src/nudges/store.ts';
import { zonedMs } from '../../src/time.ts';
import type { FakeMessage } from '../../src/playground/fake/index.ts';
import { markSubmitted } from '../../src/publish/submissions.ts';
import { newSession, welcomeCard } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { buttons, cardText, click, lastCard } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';

const OWNER = 'ou_owner_zhang';
const MGR = 'ou_manager_li';
const A = 'ou_member_a';
const B = 'ou_member_b';
const C = 'ou_member_c';
const X = 'ou_clerk_x';
const EXPECTED = [OWNER, MGR, A, B, C];
const CHAT = 'oc_branch_secretaries';
const CHAT2 = 'oc_second_group';
/** 09:00 Beijing time on `day`. */
const nine = (day: string) => zonedMs(day, 9, 0, TZ);

let nowMs = zonedMs('2024-12-20', 10, 0, TZ); // a Friday in December
const clock = () => nowMs;
const features: DeadlineFeature[] = [];
const dl = () => features.at(-1)!;
let h: Harness;
let d: Deadline;

beforeAll(async () => {
  h = await startHarness({
    instances: 2,
    configure: (base) => {
      const f = createDeadlineFeature({
        port: base.port,
        redis: base.redis,
        jobs: base.jobs,
        logger: base.logger,
        tz: TZ,
        now: clock,
        openWalkthrough: async () => welcomeCard(),
      });
      features.push(f);
      return { features: [f.feature] };
    },
  });
  const names: Record<string, string> = { [OWNER]: '张书记', [MGR]: '李委员', [A]: '王书记', [B]: '赵书记', [C]: '刘书记', [X]: '陈干事' };
  for (const [openId, name] of Object.entries(names)) h.fake.addUser({ openId, name });
  h.fake.addChat({ chatId: CHAT, name: '机关党支部书记群', type: 'group', members: [...EXPECTED, X], ownerId: OWNER, managerIds: [MGR] });
  h.fake.addChat({ chatId: CHAT2, name: '第二党支部', type: 'group', members: [OWNER, A, B], ownerId: OWNER });
});

afterAll(async () => {
  await h?.close();
});

async function waitFor<T>(fn: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cards = (chatId: string): FakeMessage[] => h.fake.messages(chatId).filter((m) => m.msgType === 'interactive');
const texts = (chatId: string): string[] =>
  h.fake
    .messages(chatId)
    .filter((m) => m.msgType === 'text')
    .map((m) => (m.content as { text: string }).text);
const p2p = (openId: string) => h.fake.p2pChatOf(openId);
/** Private nudges received (a muted one has been replaced by the 已关闭提醒 card). */
const nudgesOf = (openId: string) => cards(p2p(openId)).filter((m) => /述职报告填写提醒|已关闭提醒/.test(cardText(m.content)));
const allBotMessages = () => [CHAT, CHAT2, ...EXPECTED.map(p2p), p2p(X)].reduce((n, c) => n + h.fake.messages(c).filter((m) => m.sender.type === 'app').length, 0);
const job = (n: string) => ({ c: CHAT, d: d.id, n });

describe('deadlines and nudges in a group chat', () => {
  it('lets only admins set a deadline; the form sets it, posts the deadline card and schedules the nudges', async () => {
    await h.fake.userSendsText({ chatId: CHAT, openId: X, text: '设置截止', mentionBot: true });
    await waitFor(() => texts(CHAT).some((t) => t.includes('群主或群管理员')), 'the refusal');
    expect(cards(CHAT)).toHaveLength(0);

    await h.fake.userSendsText({ chatId: CHAT, openId: OWNER, text: '设置截止', mentionBot: true });
    const form = await waitFor(() => cards(CHAT)[0], 'the form');
    expect(cardText(form.content)).toContain('设置述职报告截止时间');

    const refused = await click(h.fake, form, X, '确定', { dl_day: '2025-01-15 +0800' });
    expect(refused.toast?.content).toContain('群主或群管理员');
    expect(await dl().get(CHAT)).toBeNull();

    const r = await click(h.fake, form, OWNER, '确定', { dl_day: '2025-01-15 +0800', dl_time: '18:00', dl_ex: [X] });
    expect(r.errorCode).toBeUndefined();
    expect(r.toast?.type).toBe('success');
    const shown = cardText(h.fake.message(form.messageId)!.content);
    expect(shown).toContain('述职报告截止时间已设置');
    expect(shown).toContain('2025年1月15日（周三）18:00');
    expect(shown).toContain('已完成 0/5');
    expect(shown).toContain('1月10日 周五'); // Sunday the 12th moved to Friday the 10th

    d = (await dl().get(CHAT))!;
    expect(d).toMatchObject({ title: '2024年度述职报告', year: 2024, setBy: OWNER, excluded: [X], state: 'active', private: true, mention: false });
    expect(d.plan.map((p) => p.id)).toEqual(['n20250108', 'n20250110', 'n20250114', 'n20250115', 's20250116']);
    for (const p of d.plan) {
      const j = await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d.id, p.id));
      expect(j?.name).toBe(NUDGE_JOB);
      expect(j?.opts.delay).toBe(p.at - nowMs);
      expect(j?.opts.attempts).toBe(7);
    }
    // Jobs lost from the queue (a flushed or restored Redis) come back with reconcile(), at the same moments.
    const q = h.instances[0]!.jobs.queue;
    await q.remove(nudgeJobId(d.id, 'n20250110'));
    expect(await q.getJob(nudgeJobId(d.id, 'n20250110'))).toBeUndefined();
    expect(await dl().reconcile()).toBe(5);
    expect((await q.getJob(nudgeJobId(d.id, 'n20250110')))?.opts.delay).toBe(d.plan[1]!.at - nowMs);
  });

  it('nudges the group and each missing person on the right days, once, counting progress', async () => {
    nowMs = nine('2025-01-08') + 30_000;
    expect(await dl().processNudge(job('n20250108'))).toBe('sent');
    const first = lastCard(h.fake, CHAT);
    expect(cardText(first.content)).toContain('距「2024年度述职报告」截止还有7天（1月15日 周三）· 已完成 0/5');
    expect(cardText(first.content)).not.toContain('<at');
    for (const u of EXPECTED) {
      expect(nudgesOf(u)).toHaveLength(1);
      expect(cardText(nudgesOf(u)[0]!.content)).toContain('未开始');
    }
    expect(nudgesOf(X)).toHaveLength(0);

    // The same job again, on the other instance: nothing is sent twice.
    const before = allBotMessages();
    expect(await features[1]!.processNudge(job('n20250108'))).toBe('sent');
    expect(allBotMessages()).toBe(before);

    // A finishes; B starts writing.
    await markSubmitted(h.instances[0]!.redis, d.tenantKey, A, 2024, { at: nowMs, url: 'https://example.feishu.cn/docx/doxA', documentId: 'doxA' });
    const s = newSession({ id: 'session-b', tenantKey: d.tenantKey, openId: B, now: nowMs, tz: TZ });
    expect(s.year).toBe(2024);
    expect(await new SessionStore(h.instances[0]!.redis).create(s)).toBe(true);

    // Both instances run the next nudge at the same moment: one group card, one private card each.
    nowMs = nine('2025-01-10');
    const groupBefore = cards(CHAT).length;
    await Promise.allSettled([features[0]!.processNudge(job('n20250110')), features[1]!.processNudge(job('n20250110'))]);
    expect(await dl().processNudge(job('n20250110'))).toBe('sent'); // settles whatever a busy loser left
    expect(cards(CHAT).length).toBe(groupBefore + 1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('距「2024年度述职报告」截止还有5天（1月15日 周三）· 已完成 1/5');
    expect(nudgesOf(A)).toHaveLength(1);
    for (const u of [OWNER, MGR, B, C]) expect(nudgesOf(u)).toHaveLength(2);
    expect(cardText(nudgesOf(B)[1]!.content)).toMatch(/填写中（第 1\/\d+ 步）/);
    expect(cardText(nudgesOf(B)[1]!.content)).toContain('「机关党支部书记群」群');
  });

  it('不再提醒 stops private nudges for that person; 开始/继续填写 opens the walk-through privately', async () => {
    const muted = await click(h.fake, nudgesOf(C)[1]!, C, '不再提醒');
    expect(muted.toast?.type).toBe('success');
    expect(cardText(h.fake.message(nudgesOf(C)[1]!.messageId)!.content)).toContain('已关闭提醒');

    const p2pBefore = cards(p2p(B)).length;
    const go = await click(h.fake, lastCard(h.fake, CHAT), B, '开始/继续填写');
    expect(go.toast?.content).toContain('单聊');
    const opened = await waitFor(() => cards(p2p(B))[p2pBefore], 'the walk-through card in B’s chat');
    expect(buttons(opened.content).some((b) => b.text.includes('开始写述职报告'))).toBe(true);

    // On a private nudge the button replaces that card with the walk-through.
    const own = nudgesOf(OWNER)[1]!;
    await click(h.fake, own, OWNER, '开始/继续填写');
    expect(buttons(h.fake.message(own.messageId)!.content).some((b) => b.text.includes('开始写述职报告'))).toBe(true);
  });

  it('retries a failed nudge within the hour and drops one that is more than an hour late', async () => {
    nowMs = nine('2025-01-14');
    const groupBefore = cards(CHAT).length;
    h.fake.failNext('im.message.create', { status: 400, code: 1234567, msg: 'injected failure' });
    await expect(dl().processNudge(job('n20250114'))).rejects.toThrow();
    expect(cards(CHAT).length).toBe(groupBefore);

    nowMs += 10 * 60_000; // BullMQ's retry, ten minutes later
    expect(await dl().processNudge(job('n20250114'))).toBe('sent');
    expect(cards(CHAT).length).toBe(groupBefore + 1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('还有1天');
    expect(nudgesOf(C)).toHaveLength(2); // muted: no third private nudge
    expect(nudgesOf(B)).toHaveLength(3);

    nowMs = nine('2025-01-15') + 61 * 60_000;
    const all = allBotMessages();
    expect(await dl().processNudge(job('n20250115'))).toBe('late');
    expect(allBotMessages()).toBe(all);
  });

  it('a change of the deadline reschedules exactly', async () => {
    nowMs = zonedMs('2025-01-15', 11, 0, TZ);
    await h.fake.userSendsText({ chatId: CHAT, openId: MGR, text: '截止 1月17日 18:00', mentionBot: true });
    await waitFor(() => cardText(lastCard(h.fake, CHAT).content).includes('述职报告截止时间已调整'), 'the changed deadline card');
    const changed = (await dl().get(CHAT))!;
    expect(changed.id).toBe(d.id);
    expect(changed.setBy).toBe(OWNER);
    expect(changed.title).toBe('2024年度述职报告');
    expect(changed.plan.map((p) => p.id)).toEqual(['n20250110', 'n20250114', 'n20250116', 'n20250117', 's20250120']);
    const q = h.instances[0]!.jobs.queue;
    expect(await q.getJob(nudgeJobId(d.id, 'n20250115'))).toBeUndefined();
    expect(await q.getJob(nudgeJobId(d.id, 's20250116'))).toBeUndefined();
    for (const id of ['n20250116', 'n20250117', 's20250120']) {
      const p = changed.plan.find((x) => x.id === id)!;
      expect((await q.getJob(nudgeJobId(d.id, id)))?.opts.delay).toBe(p.at - nowMs);
    }
    // A job of the old plan that escaped removal does nothing.
    expect(await dl().processNudge(job('n20250115'))).toBe('stale');
  });

  it('sends one 全部完成 card when everyone is done, then the summary and the collector’s list, and stops', async () => {
    for (const u of [OWNER, MGR, B, C]) {
      await markSubmitted(h.instances[0]!.redis, d.tenantKey, u, 2024, { at: nowMs, url: `https://example.feishu.cn/docx/dox${u}`, documentId: `dox${u}` });
    }
    nowMs = nine('2025-01-16');
    const privBefore = EXPECTED.map((u) => nudgesOf(u).length);
    expect(await dl().processNudge(job('n20250116'))).toBe('all-done');
    nowMs = nine('2025-01-17');
    expect(await dl().processNudge(job('n20250117'))).toBe('all-done');
    expect(cards(CHAT).filter((m) => cardText(m.content).includes('全部完成'))).toHaveLength(1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('已全部完成（5/5）');
    expect(EXPECTED.map((u) => nudgesOf(u).length)).toEqual(privBefore);

    nowMs = nine('2025-01-20');
    const ownerBefore = cards(p2p(OWNER)).length;
    expect(await dl().processNudge(job('s20250120'))).toBe('summary');
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('共完成 5/5');
    const collector = cards(p2p(OWNER))[ownerBefore]!;
    const text = cardText(collector.content);
    expect(text).toContain('述职报告收取结果');
    expect(text).toContain('[查看报告](https://example.feishu.cn/docx/doxA)');
    expect(text).toContain('尚未完成（0）');
    expect((await dl().get(CHAT))!.state).toBe('closed');
    expect(await dl().store.activeChats()).not.toContain(CHAT);
    const all = allBotMessages();
    expect(await dl().processNudge(job('s20250120'))).toBe('stale');
    expect(allBotMessages()).toBe(all);

    // 进度 still answers after the deadline, with counts in the group and the list privately for an admin.
    await h.fake.userSendsText({ chatId: CHAT, openId: OWNER, text: '进度', mentionBot: true });
    await waitFor(() => cardText(lastCard(h.fake, CHAT).content).includes('述职报告完成情况'), 'the progress card');
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('**已完成** 5/5');
    await waitFor(() => cards(p2p(OWNER)).length === ownerBefore + 2, 'the collector card for 进度');
  });

  it('delivers a due nudge through BullMQ exactly once across a restart and two instances; cancel removes the rest', async () => {
    nowMs = nine('2025-03-05') - 1500;
    const r = await dl().upsert({
      tenantKey: d.tenantKey,
      chatId: CHAT2,
      setBy: OWNER,
      // Another year's report: nobody in this group has one yet.
      settings: { title: '2023年度述职报告', due: zonedMs('2025-03-05', 18, 0, TZ), offsets: [0], private: false },
    });
    expect(r.ok).toBe(true);
    const d2 = (r as { deadline: Deadline }).deadline;
    expect(d2.plan.map((p) => p.id)).toEqual(['n20250305', 's20250306']);
    nowMs = nine('2025-03-05') + 1000; // the clock when the job fires, 1.5 s of real time from now
    await h.restart(0);
    const card = await waitFor(() => cards(CHAT2)[0], 'the nudge sent by a BullMQ worker');
    expect(d2.year).toBe(2023);
    expect(cardText(card.content)).toContain('「2023年度述职报告」今天 18:00 截止（3月5日 周三）· 已完成 0/3');
    expect(await dl().processNudge({ c: CHAT2, d: d2.id, n: 'n20250305' })).toBe('sent');
    expect(cards(CHAT2)).toHaveLength(1);

    // Only admins cancel; cancelling removes the remaining jobs.
    await h.fake.userSendsText({ chatId: CHAT2, openId: A, text: '取消截止', mentionBot: true });
    await waitFor(() => texts(CHAT2).some((t) => t.includes('群主或群管理员')), 'the refusal');
    await h.fake.userSendsText({ chatId: CHAT2, openId: OWNER, text: '取消截止', mentionBot: true });
    await waitFor(() => texts(CHAT2).some((t) => t.includes('已取消「2023年度述职报告」')), 'the cancellation');
    expect(await h.instances[1]!.jobs.queue.getJob(nudgeJobId(d2.id, 's20250306'))).toBeUndefined();
    nowMs = nine('2025-03-06');
    expect(await dl().processNudge({ c: CHAT2, d: d2.id, n: 's20250306' })).toBe('stale');
    expect(cards(CHAT2)).toHaveLength(1);
  });
  it('replays the reminders of a skipped interval when the playground clock jumps, in order and once', async () => {
    const CHAT3 = 'oc_replay_group';
    h.fake.addChat({ chatId: CHAT3, name: '第三党支部', type: 'group', members: [OWNER, A], ownerId: OWNER });
    nowMs = zonedMs('2025-04-01', 10, 0, TZ);
    const r = await dl().upsert({
      tenantKey: d.tenantKey,
      chatId: CHAT3,
      setBy: OWNER,
      settings: { title: '2023年度述职报告', due: zonedMs('2025-04-10', 18, 0, TZ), offsets: [3, 0], private: false },
    });
    expect(r.ok).toBe(true);
    const d3 = (r as { deadline: Deadline }).deadline;
    expect(d3.plan.map((p) => p.id)).toEqual(['n20250407', 'n20250410', 's20250411']);
    // Jump from Apr 1 10:00 to Apr 8 20:00: only the nudge of the 7th is in the skipped interval.
    const from = nowMs;
    nowMs = zonedMs('2025-04-08', 20, 0, TZ);
    expect(await dl().replay(from, nowMs)).toBe(1);
    expect(cards(CHAT3)).toHaveLength(1);
    expect(cardText(cards(CHAT3)[0]!.content)).toContain('已完成 0/2');
    // Its BullMQ job is gone; replaying the same interval again sends nothing more.
    expect(await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d3.id, 'n20250407'))).toBeUndefined();
    expect(await dl().replay(from, nowMs)).toBe(1);
    expect(cards(CHAT3)).toHaveLength(1);
    // Jump past the deadline: the nudge of the 10th, then the summary, in order.
    const from2 = nowMs;
    nowMs = zonedMs('2025-04-12', 9, 0, TZ);
    expect(await dl().replay(from2, nowMs)).toBe(2);
    expect(cards(CHAT3)).toHaveLength(3);
    expect(cardText(cards(CHAT3)[2]!.content)).toMatch(/截止|汇总|未完成|已完成/);
  });
});

