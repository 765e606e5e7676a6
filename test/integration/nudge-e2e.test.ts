// Deadlines and nudges in a group chat, end to end: real redis-server, the fake Open Platform over HTTP, two
// bot instances. Time is an injected clock: most nudge jobs are run by calling the job processor at the planned
// moments (the BullMQ delays of those jobs are weeks of real time); reconcile() (what a start-up and a clock
// jump run) re-times the queue to the bot's clock, and those jobs then go through BullMQ.
// A restart across the deadline is in nudge-restart.test.ts.
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
import { waitFor } from '../support/wait.ts';

const OWNER = 'ou_owner_li'; // 李部长 of the organization department: sets the deadlines, writes no report
const MGR = 'ou_manager_zhou';
const A = 'ou_member_a';
const B = 'ou_member_b';
const C = 'ou_member_c';
const X = 'ou_clerk_x';
/** Who must submit once the setter is out (by default) and the clerk excluded. */
const EXPECTED = [MGR, A, B, C];
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
  const names: Record<string, string> = { [OWNER]: '李部长', [MGR]: '周委员', [A]: '王书记', [B]: '赵书记', [C]: '刘书记', [X]: '陈干事' };
  for (const [openId, name] of Object.entries(names)) h.fake.addUser({ openId, name });
  h.fake.addChat({ chatId: CHAT, name: '机关党支部书记群', type: 'group', members: [OWNER, ...EXPECTED, X], ownerId: OWNER, managerIds: [MGR] });
  h.fake.addChat({ chatId: CHAT2, name: '第二党支部', type: 'group', members: [OWNER, A, B], ownerId: OWNER });
});

afterAll(async () => {
  await h?.close();
});


const cards = (chatId: string): FakeMessage[] => h.fake.messages(chatId).filter((m) => m.msgType === 'interactive');
const texts = (chatId: string): string[] =>
  h.fake
    .messages(chatId)
    .filter((m) => m.msgType === 'text' && m.sender.type === 'app')
    .map((m) => (m.content as { text: string }).text);
const lastText = (chatId: string) => texts(chatId).at(-1) ?? '';
const p2p = (openId: string) => h.fake.p2pChatOf(openId);
const shown = (m: FakeMessage) => cardText(h.fake.message(m.messageId)!.content);
/** Private nudges received (a muted one has been replaced by the 已关闭提醒 card). */
const nudgesOf = (openId: string) => cards(p2p(openId)).filter((m) => /述职报告填写提醒|已关闭提醒/.test(cardText(m.content)));
const allBotMessages = () =>
  [CHAT, CHAT2, OWNER, ...EXPECTED, X].map((c) => (c.startsWith('oc_') ? c : p2p(c))).reduce((n, c) => n + h.fake.messages(c).filter((m) => m.sender.type === 'app').length, 0);
const job = (n: string) => ({ c: CHAT, d: d.id, n });
const excludedOf = async (chatId: string) => (await dl().rosters.get(chatId)).roster.excluded.sort();

async function say(chatId: string, openId: string, text: string, mentionUsers?: string[]): Promise<void> {
  const before = h.fake.messages(chatId).filter((m) => m.sender.type === 'app').length;
  await h.fake.userSendsText({ chatId, openId, text, mentionBot: true, ...(mentionUsers ? { mentionUsers } : {}) });
  await waitFor(() => h.fake.messages(chatId).filter((m) => m.sender.type === 'app').length > before, `the answer to “${text}”`);
}

describe('deadlines and nudges in a group chat', () => {
  it('lets only admins set a deadline; leaves the setter out; the form becomes a 已设置 note and the announcement is a new message', async () => {
    await say(CHAT, X, '设置截止');
    expect(lastText(CHAT)).toContain('群主或群管理员');
    expect(cards(CHAT)).toHaveLength(0);

    await say(CHAT, OWNER, '设置截止');
    const form = cards(CHAT)[0]!;
    expect(cardText(form.content)).toContain('设置述职报告截止时间');
    const submit = buttons(form.content).find((b) => b.text === '确定')!;
    // The setter decides for himself with the checkbox (off by default); he is not in the list of others.
    expect(submit.form).toMatchObject({ dl_me: false, dl_ex: [] });
    expect(JSON.stringify(form.content)).toContain('将本人（李部长）也纳入统计和提醒');
    expect(JSON.stringify(form.content)).not.toContain(`"value":"${OWNER}"`);

    const refused = await click(h.fake, form, X, '确定', { dl_day: '2025-01-15 +0800' });
    expect(refused.toast?.content).toContain('群主或群管理员');
    expect(await dl().get(CHAT)).toBeNull();

    const r = await click(h.fake, form, OWNER, '确定', { dl_day: '2025-01-15 +0800', dl_time: '18:00', dl_ex: [X] });
    expect(r.errorCode).toBeUndefined();
    expect(r.toast).toEqual({ type: 'success', content: '截止时间已设置，通知已发送至群内。' });
    // The form card is now a short note; the announcement is the newest message of the group.
    expect(shown(form)).toContain('截止时间已设置');
    expect(shown(form)).toContain('通知已发布在群内最新消息中');
    expect(buttons(h.fake.message(form.messageId)!.content)).toEqual([]);
    const announced = h.fake.messages(CHAT).at(-1)!;
    expect(announced.messageId).not.toBe(form.messageId);
    const text = cardText(announced.content);
    expect(text).toContain('述职报告截止时间已设置');
    expect(text).toContain('2025年1月15日（周三）18:00');
    expect(text).toContain('已完成 0/4');
    expect(text).toContain('另有 2 人不纳入统计（含设置人）');
    expect(text).toContain('1月10日 周五'); // Sunday the 12th moved to Friday the 10th

    d = (await dl().get(CHAT))!;
    expect(d).toMatchObject({ title: '2024年度述职报告', year: 2024, setBy: OWNER, state: 'active', private: true, mention: false });
    expect(await excludedOf(CHAT)).toEqual([OWNER, X].sort());
    expect(d.plan.map((p) => p.id)).toEqual(['n20250108', 'n20250110', 'n20250114', 'n20250115', 's20250116']);
    for (const p of d.plan) {
      const j = await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d.id, p.id));
      expect(j?.name).toBe(NUDGE_JOB);
      expect(j?.delay).toBe(p.at - nowMs);
      expect(j?.opts.attempts).toBe(7);
    }
    // Jobs lost from the queue (a flushed or restored Redis) come back with reconcile(), at the same moments.
    const q = h.instances[0]!.jobs.queue;
    await q.remove(nudgeJobId(d.id, 'n20250110'));
    expect(await q.getJob(nudgeJobId(d.id, 'n20250110'))).toBeUndefined();
    expect(await dl().reconcile()).toBe(5);
    expect((await q.getJob(nudgeJobId(d.id, 'n20250110')))?.delay).toBe(d.plan[1]!.at - nowMs);
  });

  it('an older form expires: a toast and a fresh form with the current settings, nothing changed', async () => {
    const form = cards(CHAT)[0]!;
    const old = (await import('../../cards/deadline.ts')).deadlineFormCard({
      modify: false,
      title: '旧表单',
      day: '2025-02-01',
      time: '18:00',
      offsets: [3],
      workdaysOnly: true,
      mention: false,
      private: true,
      members: [],
      excluded: [],
      rev: -1,
      rosterRev: -1,
    });
    const r = await click(h.fake, form, MGR, '确定', { dl_day: '2025-02-01 +0800' }, old);
    expect(r.toast?.content).toContain('该表单已过期');
    const fresh = h.fake.message(form.messageId)!.content;
    expect(cardText(fresh)).toContain('修改述职报告截止时间');
    const submit = buttons(fresh).find((b) => b.text === '保存修改')!;
    expect(submit.value).toMatchObject({ a: 'set', r: d.rev, q: MGR });
    // For 周委员 the list shows the group's exclusions, the setter among them, carried and editable.
    expect(submit.form).toMatchObject({ dl_day: '2025-01-15', dl_me: true, dl_ex: [OWNER, X].sort() });
    expect((await dl().get(CHAT))!.due).toBe(d.due);
  });

  it('排除 @某某 and 恢复 @某某 by text: admins only, kept for the group', async () => {
    await say(CHAT, A, '排除 @周委员', [MGR]);
    expect(lastText(CHAT)).toContain('群主或群管理员');
    await say(CHAT, OWNER, '排除 @周委员', [MGR]);
    expect(lastText(CHAT)).toBe('已将 周委员 排除在统计和提醒之外。本群今后设置的截止时间将沿用此设置。');
    expect(await excludedOf(CHAT)).toEqual([MGR, OWNER, X].sort());
    expect((await dl().progress(d)).total).toBe(3);
    await say(CHAT, OWNER, '恢复 @周委员', [MGR]);
    expect(lastText(CHAT)).toBe('已将 周委员 恢复纳入统计和提醒。');
    expect((await dl().progress(d)).total).toBe(4);
    await say(CHAT, OWNER, '排除');
    expect(lastText(CHAT)).toContain('例如“@述职助手 排除 @张三”');
  });

  it('nudges the group and each missing person once; only complete reports count as done', async () => {
    nowMs = nine('2025-01-08') + 30_000;
    expect(await dl().processNudge(job('n20250108'))).toBe('sent');
    const first = lastCard(h.fake, CHAT);
    expect(cardText(first.content)).toContain('距「2024年度述职报告」截止还有7天（1月15日 周三）· 已完成 0/4');
    expect(cardText(first.content)).not.toContain('<at');
    for (const u of EXPECTED) {
      expect(nudgesOf(u)).toHaveLength(1);
      expect(cardText(nudgesOf(u)[0]!.content)).toContain('未开始');
    }
    expect(nudgesOf(OWNER)).toHaveLength(0);
    expect(nudgesOf(X)).toHaveLength(0);

    // The same job again, on the other instance: nothing is sent twice.
    const before = allBotMessages();
    expect(await features[0]!.processNudge(job('n20250108'))).toBe('sent');
    expect(allBotMessages()).toBe(before);

    // A publishes a complete report; C publishes an empty one; B starts writing.
    const redis = h.instances[0]!.redis;
    await markSubmitted(redis, d.tenantKey, A, 2024, { at: nowMs, url: 'https://example.feishu.cn/docx/doxA', documentId: 'doxA', complete: true });
    await markSubmitted(redis, d.tenantKey, C, 2024, { at: nowMs, url: 'https://example.feishu.cn/docx/doxC', documentId: 'doxC', complete: false });
    const s = newSession({ id: 'session-b', tenantKey: d.tenantKey, openId: B, now: nowMs, tz: TZ });
    expect(await new SessionStore(redis).create(s)).toBe(true);

    // Both instances run the next nudge at the same moment: one group card, one private card each.
    nowMs = nine('2025-01-10');
    const groupBefore = cards(CHAT).length;
    await Promise.allSettled([features[0]!.processNudge(job('n20250110')), features[1]!.processNudge(job('n20250110'))]);
    expect(await dl().processNudge(job('n20250110'))).toBe('sent'); // settles whatever a busy loser left
    expect(cards(CHAT).length).toBe(groupBefore + 1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('距「2024年度述职报告」截止还有5天（1月15日 周三）· 已完成 1/4');
    expect(nudgesOf(A)).toHaveLength(1);
    for (const u of [MGR, B, C]) expect(nudgesOf(u)).toHaveLength(2);
    expect(cardText(nudgesOf(B)[1]!.content)).toMatch(/填写中（第 1\/\d+ 步）/);
    expect(cardText(nudgesOf(C)[1]!.content)).toContain('填写中（已生成的文档内容不完整');
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

    const own = nudgesOf(MGR)[1]!;
    await click(h.fake, own, MGR, '开始/继续填写');
    expect(buttons(h.fake.message(own.messageId)!.content).some((b) => b.text.includes('开始写述职报告'))).toBe(true);
  });

  it('retries a failed nudge, and never sends one more than 2 hours after its moment', async () => {
    nowMs = nine('2025-01-14');
    const groupBefore = cards(CHAT).length;
    h.fake.failNext('im.message.create', { status: 400, code: 1234567, msg: 'injected failure' });
    await expect(dl().processNudge(job('n20250114'))).rejects.toThrow();
    expect(cards(CHAT).length).toBe(groupBefore);

    nowMs += 100 * 60_000; // BullMQ's last retry, within the grace period
    expect(await dl().processNudge(job('n20250114'))).toBe('sent');
    expect(cards(CHAT).length).toBe(groupBefore + 1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('还有1天');
    expect(nudgesOf(C)).toHaveLength(2); // muted: no third private nudge
    expect(nudgesOf(B)).toHaveLength(3);

    nowMs = nine('2025-01-15') + 2 * 3600_000 + 60_000;
    const all = allBotMessages();
    expect(await dl().processNudge(job('n20250115'))).toBe('late');
    expect(allBotMessages()).toBe(all);
  });

  it('a change more than a day ahead applies at once and reschedules exactly; the announcement is a new message', async () => {
    nowMs = zonedMs('2025-01-15', 11, 0, TZ);
    await say(CHAT, MGR, '截止 1月17日 18:00');
    const reply = h.fake.messages(CHAT).at(-1)!;
    expect(cardText(reply.content)).toContain('述职报告截止时间已调整');
    const changed = (await dl().get(CHAT))!;
    expect(changed.id).toBe(d.id);
    expect(changed.setBy).toBe(OWNER);
    expect(changed.plan.map((p) => p.id)).toEqual(['n20250110', 'n20250114', 'n20250116', 'n20250117', 's20250120']);
    const q = h.instances[0]!.jobs.queue;
    expect(await q.getJob(nudgeJobId(d.id, 'n20250115'))).toBeUndefined();
    expect(await q.getJob(nudgeJobId(d.id, 's20250116'))).toBeUndefined();
    for (const id of ['n20250116', 'n20250117', 's20250120']) {
      const p = changed.plan.find((x) => x.id === id)!;
      expect((await q.getJob(nudgeJobId(d.id, id)))?.delay).toBe(p.at - nowMs);
    }
    // A job of the old plan that escaped removal does nothing; nor does the change move the roster.
    expect(await dl().processNudge(job('n20250115'))).toBe('stale');
    expect(await excludedOf(CHAT)).toEqual([OWNER, X].sort());
  });

  it('sends 全部完成 once, then one 已截止 summary and the collector’s list with links and a CSV export', async () => {
    for (const u of [MGR, B, C]) {
      await markSubmitted(h.instances[0]!.redis, d.tenantKey, u, 2024, {
        at: nowMs,
        url: `https://example.feishu.cn/docx/dox${u}`,
        documentId: `dox${u}`,
        complete: true,
      });
    }
    nowMs = nine('2025-01-16');
    const privBefore = EXPECTED.map((u) => nudgesOf(u).length);
    expect(await dl().processNudge(job('n20250116'))).toBe('all-done');
    nowMs = nine('2025-01-17');
    expect(await dl().processNudge(job('n20250117'))).toBe('all-done');
    expect(cards(CHAT).filter((m) => cardText(m.content).includes('全部完成'))).toHaveLength(1);
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('已全部完成（4/4）');
    expect(EXPECTED.map((u) => nudgesOf(u).length)).toEqual(privBefore);

    nowMs = nine('2025-01-20');
    const ownerBefore = cards(p2p(OWNER)).length;
    expect(await dl().processNudge(job('s20250120'))).toBe('summary');
    expect(JSON.stringify(lastCard(h.fake, CHAT).content)).toContain('述职报告已截止');
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('共完成 4/4');
    const collector = cards(p2p(OWNER))[ownerBefore]!;
    const text = cardText(collector.content);
    expect(text).toContain('述职报告收取结果');
    expect(text).toContain('已提交（内容完整）4/4');
    expect(text).toContain('[查看报告](https://example.feishu.cn/docx/doxA)');
    expect(text).toContain('尚未提交（0）');
    expect((await dl().get(CHAT))!.state).toBe('closed');
    expect(await dl().store.activeChats()).not.toContain(CHAT);
    const all = allBotMessages();
    expect(await dl().processNudge(job('s20250120'))).toBe('stale');
    expect(allBotMessages()).toBe(all);

    // 导出名单（CSV）: admins only; the file comes to the admin's chat with the bot.
    const csvButton = buttons(collector.content).find((b) => b.text === '导出名单（CSV）')!;
    const refused = await h.fake.userClicks({ messageId: collector.messageId, openId: A, value: csvButton.value });
    expect(refused.toast?.content).toContain('群主或群管理员');
    const ok = await click(h.fake, collector, OWNER, '导出名单（CSV）');
    expect(ok.toast?.content).toContain('正在导出名单');
    const file = await waitFor(() => h.fake.messages(p2p(OWNER)).find((m) => m.msgType === 'file'), 'the CSV file message');
    const stored = h.fake.file((file.content as { file_key: string }).file_key)!;
    expect(stored.fileName).toBe('2024年度述职报告-机关党支部书记群-收取情况.csv');
    const rows = stored.data.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe('序号,姓名,状态,生成时间,报告链接');
    expect(rows).toHaveLength(5);
    expect(rows.join('\n')).toContain('王书记,已提交（内容完整）,2025年1月8日 09:00,https://example.feishu.cn/docx/doxA');
    expect(rows.join('\n')).not.toMatch(/李部长|陈干事/);

    // 进度 still answers after the deadline, with counts in the group and the list privately for an admin.
    await say(CHAT, OWNER, '进度');
    await waitFor(() => cardText(lastCard(h.fake, CHAT).content).includes('述职报告完成情况'), 'the progress card');
    expect(cardText(lastCard(h.fake, CHAT).content)).toContain('**已完成** 4/4');
    await waitFor(() => cards(p2p(OWNER)).length === ownerBefore + 2, 'the collector card for 进度');
  });

  it('carries the group’s exclusions to its next deadline, shown on the form and editable', async () => {
    nowMs = zonedMs('2025-02-10', 10, 0, TZ);
    await say(CHAT, OWNER, '设置截止');
    const form = cards(CHAT).at(-1)!;
    expect(cardText(form.content)).toContain('设置述职报告截止时间'); // a new deadline, not a change
    expect(cardText(form.content)).toContain('已沿用本群此前的设置，可修改');
    expect(buttons(form.content).find((b) => b.text === '确定')!.form).toMatchObject({ dl_me: false, dl_ex: [X] });
    // This time the owner counts himself in, and takes 陈干事 off the exclusion list.
    await click(h.fake, form, OWNER, '确定', { dl_day: '2025-03-14 +0800', dl_me: true, dl_ex: [] });
    expect(await excludedOf(CHAT)).toEqual([]);
    // Everyone counts now: the four who published their 2024 report are done.
    expect(cardText(h.fake.messages(CHAT).at(-1)!.content)).toContain('已完成 4/6');
    // He is remembered as included on purpose: a later deadline he sets by text does not leave him out.
    expect((await dl().rosters.get(CHAT)).roster.included).toContain(OWNER);
    expect(await dl().cancel(CHAT)).not.toBeNull();
  });

  it('answers a past, a far and an unreadable date with an example computed from today', async () => {
    nowMs = zonedMs('2025-03-05', 10, 0, TZ); // a Wednesday
    await say(CHAT2, OWNER, '截止 2025-01-01');
    expect(lastText(CHAT2)).toBe('该日期已过，请重新设置。例如：“@述职助手 截止 3月19日 18:00 2024年度述职报告”。');
    await say(CHAT2, OWNER, '截止 3月5日 9:00');
    expect(lastText(CHAT2)).toMatch(/^该日期已过，请重新设置。/);
    await say(CHAT2, OWNER, '截止 2026-06-01');
    expect(lastText(CHAT2)).toContain('该日期距今已超过一年，请重新设置');
    await say(CHAT2, OWNER, '截止 下周五');
    expect(lastText(CHAT2)).toContain('未能识别截止日期');
    expect(lastText(CHAT2)).toContain('“@述职助手 截止 2025-03-19”');
    await say(CHAT2, A, '截止帮助');
    expect(lastText(CHAT2)).toContain('“@述职助手 截止 3月19日 18:00 2024年度述职报告”');
    expect(await dl().get(CHAT2)).toBeNull();
    await say(CHAT2, OWNER, '设置截止');
    const r = await click(h.fake, cards(CHAT2).at(-1)!, OWNER, '确定', { dl_day: '2025-03-01 +0800' });
    expect(r.toast).toEqual({ type: 'error', content: '该日期已过，请重新设置。' });
    expect(await dl().get(CHAT2)).toBeNull();
  });

  it('asks to confirm a deadline less than 24 hours away (typed or in the form), and announces it only then', async () => {
    await say(CHAT2, OWNER, '截止 3月5日');
    const ask = h.fake.messages(CHAT2).at(-1)!;
    expect(cardText(ask.content)).toContain('请确认截止时间');
    expect(cardText(ask.content)).toContain('距现在约 8 小时，不足 24 小时');
    expect(await dl().get(CHAT2)).toBeNull();
    expect((await click(h.fake, ask, A, '确认发布')).toast?.content).toContain('群主或群管理员');

    // 重新设置: the form, filled with what was asked; submitting it asks again.
    await click(h.fake, ask, OWNER, '重新设置');
    expect(shown(ask)).toContain('设置述职报告截止时间');
    expect(buttons(h.fake.message(ask.messageId)!.content).find((b) => b.text === '确定')!.form).toMatchObject({ dl_day: '2025-03-05', dl_time: '18:00' });
    const again = await click(h.fake, ask, OWNER, '确定', { dl_time: '17:00' });
    expect(again.toast?.content).toContain('请确认后再发布');
    expect(shown(ask)).toContain('请确认截止时间');
    expect(await dl().get(CHAT2)).toBeNull();
    const asked = h.fake.message(ask.messageId)!.content;

    const ok = await click(h.fake, ask, OWNER, '确认发布');
    expect(ok.toast?.type).toBe('success');
    expect(shown(ask)).toContain('截止时间已设置');
    const announced = h.fake.messages(CHAT2).at(-1)!;
    expect(announced.messageId).not.toBe(ask.messageId);
    expect(cardText(announced.content)).toContain('2025年3月5日（周三）17:00');
    // 李部长 is out (the form's checkbox was left off); 王书记 and 赵书记 published their 2024 reports above.
    expect(cardText(announced.content)).toContain('已完成 2/2');
    const d2 = (await dl().get(CHAT2))!;
    expect(d2).toMatchObject({ setBy: OWNER, state: 'active' });
    // A second 确认发布 on the same card (the first answer lost, or slow) answers as the first did, and changes
    // nothing: no second announcement.
    const before = h.fake.messages(CHAT2).length;
    const twice = await click(h.fake, ask, OWNER, '确认发布', {}, asked);
    expect(twice.toast).toEqual({ type: 'success', content: '截止时间已设置，通知已发送至群内。' });
    expect(shown(ask)).toContain('截止时间已设置');
    expect((await dl().get(CHAT2))!.rev).toBe(d2.rev);
    await h.fake.whenIdle();
    expect(h.fake.messages(CHAT2)).toHaveLength(before);
    // The same deadline typed again: a short answer, no second announcement.
    await say(CHAT2, OWNER, '截止 3月5日 17:00');
    expect(lastText(CHAT2)).toContain('无需重复设置');
    expect(h.fake.messages(CHAT2).filter((m) => m.sender.type === 'app' && m.msgType === 'interactive' && cardText(m.content).includes('述职报告截止时间已'))).toHaveLength(1);
    expect((await dl().get(CHAT2))!.rev).toBe(d2.rev);
  });

  it('取消截止 asks first; 不取消 keeps it, 确认取消 cancels and says so in a new message', async () => {
    await say(CHAT2, A, '取消截止');
    expect(lastText(CHAT2)).toContain('群主或群管理员');
    await say(CHAT2, OWNER, '取消截止');
    const first = h.fake.messages(CHAT2).at(-1)!;
    expect(cardText(first.content)).toContain('确认取消「2024年度述职报告」的截止时间');
    const firstShown = first.content;
    await click(h.fake, first, OWNER, '不取消');
    expect(shown(first)).toContain('已保留原截止时间');
    const d2 = (await dl().get(CHAT2))!;
    expect(d2.state).toBe('active');

    await say(CHAT2, OWNER, '取消截止');
    const second = h.fake.messages(CHAT2).at(-1)!;
    const ok = await click(h.fake, second, OWNER, '确认取消');
    expect(ok.toast?.type).toBe('success');
    expect(shown(second)).toContain('已确认取消');
    expect(lastText(CHAT2)).toBe('「2024年度述职报告」的截止时间已取消，后续提醒不再发送。已生成的述职报告不受影响。');
    expect((await dl().get(CHAT2))!.state).toBe('cancelled');
    for (const p of d2.plan) expect(await h.instances[1]!.jobs.queue.getJob(nudgeJobId(d2.id, p.id))).toBeUndefined();
    // The first confirmation, pressed now, is void.
    const late = await click(h.fake, first, OWNER, '确认取消', {}, firstShown);
    expect(late.toast?.content).toContain('此确认已失效');
  });

  it('a playground clock jump is a restart at the new time: a nudge within 2 hours is sent, older ones never, the summary once', async () => {
    const CHAT3 = 'oc_replay_group';
    h.fake.addChat({ chatId: CHAT3, name: '第三党支部', type: 'group', members: [OWNER, A, B], ownerId: OWNER });
    nowMs = zonedMs('2025-04-01', 10, 0, TZ);
    const r = await dl().upsert({
      tenantKey: d.tenantKey,
      chatId: CHAT3,
      setBy: OWNER,
      settings: { title: '2023年度述职报告', due: zonedMs('2025-04-10', 18, 0, TZ), offsets: [7, 3, 0], private: false },
    });
    expect(r.ok).toBe(true);
    const d3 = (r as { deadline: Deadline }).deadline;
    expect(d3.plan.map((p) => p.id)).toEqual(['n20250403', 'n20250407', 'n20250410', 's20250411']);
    const group = () => cards(CHAT3).map((m) => cardText(m.content));
    // Jump to 09:30 on the 7th: the 3rd's nudge is days old (dropped), the 7th's is half an hour late (sent).
    let from = nowMs;
    nowMs = zonedMs('2025-04-07', 9, 30, TZ);
    await dl().replay(from, nowMs);
    await waitFor(() => group().length === 1, 'the nudge of the 7th');
    expect(group()[0]).toContain('距「2023年度述职报告」截止还有3天（4月10日 周四）· 已完成 0/2');
    expect(await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d3.id, 'n20250403'))).toBeUndefined();
    // Jump past the deadline: the 10th's nudge is never sent; one 已截止 summary; the owner gets the list.
    from = nowMs;
    nowMs = zonedMs('2025-04-14', 15, 0, TZ);
    const ownerBefore = cards(p2p(OWNER)).length;
    await dl().replay(from, nowMs);
    await waitFor(() => group().length === 2, 'the summary');
    await waitFor(() => cards(p2p(OWNER)).length === ownerBefore + 1, 'the collector’s list');
    expect(group()[1]).toContain('已于 2025年4月10日（周四）18:00 截止');
    expect(group().join('\n')).not.toContain('今天 18:00 截止');
    await waitFor(async () => (await dl().get(CHAT3))!.state === 'closed', 'the deadline closed');
    await dl().replay(nowMs, nowMs + 60_000);
    await new Promise((res) => setTimeout(res, 300));
    expect(group()).toHaveLength(2);
  });
});
