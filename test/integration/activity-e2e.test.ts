// The activity log end to end: the fake Feishu over HTTP, real Redis, a real bot instance with the activity
// feature plugged in. Logging by message (p2p and "@bot 记录" in a group), the same message twice, 确认 with the
// kind selector and the member count, 修改 from the card and from the list, a stale edit, 撤销, 删除, paging,
// 统计, 导出 (a CSV file message), the monthly reminder job on an injected clock (and switching it off), and the
// statistics reaching the report's walk-through.
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTime } from '../../src/activity/dates.ts';
import { type ActivityFeature, createActivityFeature } from '../../src/activity/feature.ts';
import type { InboundEvent } from '../../src/feishu/inbound.ts';
import type { FakeMessage } from '../../src/playground/fake/index.ts';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';

const SECRETARY = 'ou_secretary_li';
const OTHER = 'ou_secretary_wang';
const GROUP = 'oc_branch_group';

// The feature's clock: 2026-06-17 (a Wednesday) 10:00 in Beijing, moving with real time unless frozen.
let offset = Date.UTC(2026, 5, 17, 2) - Date.now();
let frozen: number | undefined;
const clock = () => frozen ?? Date.now() + offset;

let h: Harness;
let act: ActivityFeature;
let chat: string;
let otherChat: string;

beforeAll(async () => {
  h = await startHarness({
    configure: (base) => {
      act = createActivityFeature({ ...base, tz: TZ, now: clock });
      return { features: [act.feature], stats: act.stats };
    },
  });
  h.fake.addUser({ openId: SECRETARY, name: '李书记' });
  h.fake.addUser({ openId: OTHER, name: '王书记' });
  h.fake.addChat({ chatId: GROUP, name: '机关第一党支部', type: 'group', members: [SECRETARY, OTHER] });
  chat = h.fake.p2pChatOf(SECRETARY);
  otherChat = h.fake.p2pChatOf(OTHER);
});

afterAll(async () => {
  await h?.close();
});

/** The secretary's organization; the tenant is the fake's, learned from the first record. */
const owner = { tenant: '', openId: SECRETARY };

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function botMessages(chatId: string): FakeMessage[] {
  return h.fake.messages(chatId).filter((m) => m.sender.type === 'app');
}

/** Sends a p2p message and waits for the bot's next message in that chat. */
async function say(text: string, openId = SECRETARY): Promise<FakeMessage> {
  const c = openId === SECRETARY ? chat : otherChat;
  const before = botMessages(c).length;
  const r = await h.fake.userSendsText({ chatId: c, openId, text });
  expect(r.status).toBe(200);
  return waitFor(() => botMessages(c)[before], `the answer to "${text}"`);
}

const text = (m: FakeMessage) => cardText(h.fake.message(m.messageId)!.content);

describe('the activity log through the fake Feishu', () => {
  it('logs one activity from one message, once, and confirms it', async () => {
    const before = botMessages(chat).length;
    const sent = await h.fake.userSendsText({ chatId: chat, openId: SECRETARY, text: '3月5日 组织集中学习《中国共产党章程》，28人参加，2小时' });
    const card = await waitFor(() => botMessages(chat)[before], 'the confirmation card');
    expect(card.msgType).toBe('interactive');
    expect(card.parentId).toBe(sent.messageId);
    expect(text(card)).toContain('集中学习');
    expect(text(card)).toContain('28人参加');
    expect(text(card)).toContain('中国共产党章程');
    expect(buttons(h.fake.message(card.messageId)!.content).map((b) => b.text)).toEqual(['确认', '修改', '撤销']);
    const owners = await act.store.owners();
    expect(owners).toHaveLength(1);
    owner.tenant = owners[0]!.tenant;
    expect(owners[0]!.openId).toBe(SECRETARY);

    // The same message delivered again past the edge (its dedupe key gone): one record, one card.
    const ev: InboundEvent = {
      type: 'message',
      eventId: 'ev_redelivered',
      tenantKey: owner.tenant,
      messageId: sent.messageId!,
      chatId: chat,
      chatType: 'p2p',
      senderOpenId: SECRETARY,
      messageType: 'text',
      text: '3月5日 组织集中学习《中国共产党章程》，28人参加，2小时',
      content: '{}',
      mentions: [],
    };
    await h.instances[0]!.bot.handle(ev);
    await h.instances[0]!.bot.handle({ ...ev, eventId: 'ev_redelivered_2' });
    expect((await act.store.recent(owner, 0, 50)).total).toBe(1);
    expect(botMessages(chat).length).toBe(before + 1);

    const r = await click(h.fake, card, SECRETARY, '确认');
    expect(r.toast).toMatchObject({ type: 'success' });
    expect(text(card)).toContain('活动已记入台账');
    const [rec] = (await act.store.recent(owner, 0, 1)).records;
    expect(rec).toMatchObject({ date: '2026-03-05', kind: '集中学习', attendees: 28, hours: 2, topic: '中国共产党章程', status: 'confirmed' });
  });

  it('asks for the kind when it is unclear and for the member count when 全体党员 is used the first time', async () => {
    const card = await say('昨天开会，全体党员参加，研究七一表彰工作');
    expect(text(card)).toContain('类型待选择');
    const ok = buttons(h.fake.message(card.messageId)!.content).find((b) => b.text === '确认')!;
    expect(Object.keys(ok.form ?? {})).toEqual(expect.arrayContaining(['kind0', 'members']));

    let r = await click(h.fake, card, SECRETARY, '确认', { members: '31' });
    expect(r.toast).toMatchObject({ type: 'error', content: '请选择活动类型' });
    r = await click(h.fake, card, SECRETARY, '确认', { kind0: '党员大会', members: '三十' });
    expect(r.toast?.type).toBe('error');
    r = await click(h.fake, card, SECRETARY, '确认', { kind0: '党员大会', members: '31' });
    expect(r.toast?.type).toBe('success');
    expect(text(card)).toContain('党员大会');
    expect(text(card)).toContain('31人参加');
    expect(await act.store.settings(owner)).toMatchObject({ memberCount: 31 });

    // From now on 全体党员 is the stored count, and the card does not ask again.
    const next = await say('今天组织全体党员集中学习，2小时');
    expect(text(next)).toContain('31人参加');
    expect(buttons(h.fake.message(next.messageId)!.content).find((b) => b.text === '确认')?.form).toBeUndefined();
  });

  it('logs several lines as several activities; edits one from the card; refuses a stale edit; undoes all', async () => {
    const card = await say('3月10日召开支委会\n谢谢\n3月17日召开党员大会');
    const t = text(card);
    expect(t).toContain('支委会');
    expect(t).toContain('党员大会');
    expect(buttons(h.fake.message(card.messageId)!.content).map((b) => b.text)).toEqual(['确认', '修改第1条', '修改第2条', '撤销']);

    await click(h.fake, card, SECRETARY, '修改第2条');
    expect(text(card)).toContain('修改活动记录');
    const editShown = h.fake.message(card.messageId)!.content;
    let r = await click(h.fake, card, SECRETARY, '保存', { date: '2026-03-18 +0800', att: '25', topic: '讨论发展对象' });
    expect(r.toast).toMatchObject({ type: 'success', content: '已保存' });
    expect(text(card)).toContain('2026年3月18日');
    expect(text(card)).toContain('25人参加');
    const edited = (await act.store.inYear(owner, 2026)).find((x) => x.date === '2026-03-18')!;
    expect(edited).toMatchObject({ kind: '党员大会', attendees: 25, topic: '讨论发展对象', status: 'confirmed' });

    // Saving again from the form as it was shown before: the record has moved on, nothing is overwritten.
    r = await click(h.fake, card, SECRETARY, '保存', { topic: '旧表单的内容' }, editShown);
    expect(r.toast?.type).toBe('warning');
    expect((await act.store.get(owner, edited.id))!.topic).toBe('讨论发展对象');
    // The answer shows the form again with what is stored now.
    expect(buttons(h.fake.message(card.messageId)!.content).find((x) => x.text === '保存')?.form).toMatchObject({ topic: '讨论发展对象', att: '25' });
    await click(h.fake, card, SECRETARY, '取消');

    // A future date and a bad number are refused.
    await click(h.fake, card, SECRETARY, '修改第1条');
    r = await click(h.fake, card, SECRETARY, '保存', { date: '2026-12-01' });
    expect(r.toast).toMatchObject({ type: 'error', content: '活动日期不能晚于今天' });
    r = await click(h.fake, card, SECRETARY, '保存', { att: '很多' });
    expect(r.toast?.type).toBe('error');
    await click(h.fake, card, SECRETARY, '取消');

    // Someone else clicking this card finds nothing of theirs.
    r = await click(h.fake, card, OTHER, '撤销');
    expect(r.toast?.type).toBe('warning');
    expect((await act.store.inYear(owner, 2026)).filter((x) => x.msg === edited.msg)).toHaveLength(2);

    r = await click(h.fake, card, SECRETARY, '撤销');
    expect(r.toast).toMatchObject({ type: 'success', content: '已撤销' });
    expect(text(card)).toContain('已撤销');
    expect((await act.store.inYear(owner, 2026)).filter((x) => x.msg === edited.msg)).toHaveLength(0);
  });

  it('answers a message that is not an activity with the help card', async () => {
    const card = await say('这个机器人能干什么');
    expect(card.msgType).toBe('interactive');
    expect(text(card)).toContain('如何记录支部活动');
    expect(await act.store.recent(owner, 0, 1)).toMatchObject({ total: 3 });
  });

  it('lists with paging and deletes from the list', async () => {
    // Months after June are written with last year (a month-day still to come would be this year's, questioned).
    const lines = Array.from({ length: 9 }, (_, i) => `${i + 1 >= 6 ? '2025年' : ''}${i + 1}月20日 主题党日`).join('\n');
    await say(lines);
    const list = await say('列表');
    expect(text(list)).toContain('第 1/2 页，共 12 条');
    let r = await click(h.fake, list, SECRETARY, '下一页');
    expect(r.errorCode).toBeUndefined();
    expect(text(list)).toContain('第 2/2 页');
    const first = (await act.store.recent(owner, 8, 1)).records[0]!;
    r = await click(h.fake, list, SECRETARY, '删除');
    expect(r.toast).toMatchObject({ type: 'success', content: '已删除' });
    expect(await act.store.get(owner, first.id)).toMatchObject({ status: 'deleted' });
    expect((await act.store.recent(owner, 0, 50)).total).toBe(11);
    // 修改 from the list returns to the list.
    await click(h.fake, list, SECRETARY, '修改');
    r = await click(h.fake, list, SECRETARY, '保存', { hours: '1.5' });
    expect(r.toast?.type).toBe('success');
    expect(text(list)).toContain('活动记录');
  });

  it('shows the ledger with the required frequencies and what is missing this quarter', async () => {
    const card = await say('统计');
    const t = text(card);
    expect(t).toContain('2026年度活动台账');
    // 支委会: the two logged in March were undone; 主题党日: one in each month so far (June is in progress).
    expect(t).toContain('✗ **支委会** 0次（要求每月1次）');
    expect(t).toContain('✓ **主题党日** 5次（要求每月1次）');
    expect(t).toContain('**党员大会** 1次（要求每季度1次）');
    expect(t).toContain('二季度尚缺');
    expect(t).toContain('党课（本季度）');
  });

  it('exports the year as a CSV file message (UTF-8 with BOM)', async () => {
    const before = botMessages(chat).length;
    await h.fake.userSendsText({ chatId: chat, openId: SECRETARY, text: '导出' });
    const file = await waitFor(() => botMessages(chat).slice(before).find((m) => m.msgType === 'file'), 'the CSV file message');
    const key = (file.content as { file_key: string }).file_key;
    const stored = h.fake.file(key)!;
    expect(stored.fileName).toBe('2026年度支部活动台账.csv');
    expect(stored.fileType).toBe('stream');
    expect([...stored.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = stored.data.subarray(3).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('序号,日期,类型,参加人数,主题,学时,状态,原始记录');
    expect(csv).toContain('2026-03-05,集中学习,28,中国共产党章程,2,已确认');
    expect(csv.split('\r\n').filter((l) => l !== '')).toHaveLength(1 + (await act.store.inYear(owner, 2026)).length);
  });

  it('in a group logs with "@bot 记录 …" and answers privately; nothing about a person goes to the group', async () => {
    const before = botMessages(chat).length;
    await h.fake.userSendsText({ chatId: GROUP, openId: SECRETARY, text: '记录 6月16日召开支委会，研究七一活动', mentionBot: true });
    const card = await waitFor(() => botMessages(chat)[before], 'the private confirmation card');
    expect(text(card)).toContain('支委会');
    const groupNotes = await waitFor(() => {
      const g = botMessages(GROUP);
      return g.length > 0 ? g : undefined;
    }, 'the note in the group');
    expect(groupNotes.every((m) => m.msgType === 'text')).toBe(true);
    expect(JSON.stringify(groupNotes.map((m) => m.content))).not.toContain('支委会');

    await h.fake.userSendsText({ chatId: GROUP, openId: SECRETARY, text: '统计', mentionBot: true });
    await waitFor(() => (botMessages(GROUP).length >= 2 ? true : undefined), 'the second note in the group');
    expect(botMessages(GROUP).every((m) => m.msgType === 'text')).toBe(true);
    expect(text(await waitFor(() => botMessages(chat).at(-1), 'the private ledger'))).toContain('活动台账');
  });

  it('sends the monthly reminder on the first working day, once, privately, and stops when switched off', async () => {
    // OTHER logs something and switches reminders off.
    await say('6月2日 召开支委会', OTHER);
    await say('关闭提醒', OTHER);
    const otherBefore = botMessages(otherChat).length;
    const groupBefore = botMessages(GROUP).length;

    // 30 June 2026, 10:00: the next reminder is 1 July 2026 (a Wednesday, a working day) at 09:00.
    frozen = Date.UTC(2026, 5, 30, 2);
    await act.schedule();
    await act.schedule(); // idempotent: the same job id
    const queue = h.instances[0]!.jobs.queue;
    const july = (await queue.getJob('act-gaps-2026-07')) as Job;
    expect(july.data).toEqual({ run: '2026-07' });
    expect(july.opts.delay).toBe(localTime('2026-07-01', 9, TZ) - frozen);
    expect(await july.getState()).toBe('delayed');
    frozen = undefined;
    offset = Date.UTC(2026, 6, 1, 1, 0, 5) - Date.now();

    const before = botMessages(chat).length;
    await july.promote();
    const reminder = await waitFor(() => botMessages(chat)[before], 'the reminder');
    const t = text(reminder);
    expect(t).toContain('6月活动提醒');
    expect(t).toContain('党小组会');
    expect(t).toContain('党课');
    expect(t).not.toContain('**支委会**');
    await waitFor(async () => ((await july.getState()) === 'completed' ? true : undefined), 'the July job to finish');
    // The August reminder is scheduled; nobody else was written to.
    const august = (await queue.getJob('act-gaps-2026-08')) as Job;
    expect(await august.getState()).toBe('delayed');
    expect(august.opts.delay).toBeGreaterThan(0);
    expect(botMessages(otherChat)).toHaveLength(otherBefore);
    expect(botMessages(GROUP)).toHaveLength(groupBefore);

    // The same run again (a retry) sends nothing new.
    await act.feature.process!('act-gaps', { run: '2026-07' });
    expect(botMessages(chat)).toHaveLength(before + 1);

    // 不再提醒: the August run writes to nobody.
    const r = await click(h.fake, reminder, SECRETARY, '不再提醒');
    expect(r.toast).toMatchObject({ type: 'success', content: '已关闭每月提醒' });
    offset = Date.UTC(2026, 7, 3, 1, 0, 5) - Date.now();
    await august.promote();
    await waitFor(async () => ((await august.getState()) === 'completed' ? true : undefined), 'the August job to finish');
    expect(botMessages(chat)).toHaveLength(before + 1);
    expect(await queue.getJob('act-gaps-2026-09')).toBeDefined();

    // The playground's clock jump: from 3 Aug to 5 Sep runs the September reminder (1 Sep 09:00) once, in place of
    // its job (which is removed), and schedules October. SECRETARY turns reminders back on first.
    await say('开启提醒');
    const beforeJump = botMessages(chat).length;
    const jumpFrom = Date.UTC(2026, 7, 3, 1, 0, 5);
    const jumpTo = Date.UTC(2026, 8, 5, 1);
    offset = jumpTo - Date.now();
    expect(await act.replay(jumpFrom, jumpTo)).toBe(1);
    const september = await waitFor(() => botMessages(chat)[beforeJump], 'the reminder replayed after the jump');
    expect(text(september)).toContain('8月活动提醒');
    expect(await queue.getJob('act-gaps-2026-09')).toBeUndefined();
    expect(await queue.getJob('act-gaps-2026-10')).toBeDefined();
    // Nothing planned in the next minute; and replaying the same interval again writes nothing new.
    expect(await act.replay(jumpTo, jumpTo + 60_000)).toBe(0);
    expect(await act.replay(jumpFrom, jumpTo)).toBe(1);
    expect(botMessages(chat)).toHaveLength(beforeJump + 1);
    expect(botMessages(otherChat)).toHaveLength(otherBefore);
  });

  it('feeds the report walk-through with the statistics sentence', async () => {
    expect(await act.stats(owner.tenant, SECRETARY, 2026)).toMatchObject({ year: 2026, counts: { 集中学习: 2, 党员大会: 1, 支委会: 1 } });
    const card = await say('写述职报告');
    await click(h.fake, card, SECRETARY, '保存并继续', { unit: '区财政局', org: '党支部', year: '2026', sup: '区直机关工委' });
    await click(h.fake, card, SECRETARY, '保存并继续', { para: '2026年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责。' });
    const duty = text(card);
    expect(duty).toContain('活动统计');
    expect(duty).toMatch(/全年共召开支委会1次、党员大会1次/);
  });
  it('never files a date the text did not give without saying so: impossible, month-only, to come, none (issue 13)', async () => {
    // Today is 2026-06-17 for this test (the reminder tests moved the clock).
    const was = frozen;
    frozen = Date.UTC(2026, 5, 17, 2);
    const QIAN = 'ou_secretary_qian';
    h.fake.addUser({ openId: QIAN, name: '钱书记' });
    const c = h.fake.p2pChatOf(QIAN);
    const o = { tenant: owner.tenant, openId: QIAN };
    const send = async (t: string) => {
      const before = botMessages(c).length;
      expect((await h.fake.userSendsText({ chatId: c, openId: QIAN, text: t })).status).toBe(200);
      return waitFor(() => botMessages(c)[before], `the answer to "${t}"`);
    };
    const shown = (m: FakeMessage) => cardText(h.fake.message(m.messageId)!.content);

    // An impossible date: the card says why and asks for the day; 确认 without one is refused.
    let card = await send('2月30日开展主题党日，重温入党誓词');
    expect(shown(card)).toContain('2月没有30日，请确认日期');
    expect(shown(card)).toContain('请确认活动日期');
    let r = await click(h.fake, card, QIAN, '确认');
    expect(r.toast).toMatchObject({ type: 'error', content: '日期有误的活动，请先选择正确的日期' });
    expect((await act.store.recent(o, 0, 1)).records[0]).toMatchObject({ status: 'logged', dateNote: { kind: 'invalid' } });
    expect((await act.stats(o.tenant, QIAN, 2026))?.counts.主题党日).toBeUndefined();
    r = await click(h.fake, card, QIAN, '确认', { date0: '2026-02-28' });
    expect(r.toast).toMatchObject({ type: 'success' });
    let rec = (await act.store.recent(o, 0, 1)).records[0]!;
    expect(rec).toMatchObject({ date: '2026-02-28', status: 'confirmed' });
    expect(rec.dateNote).toBeUndefined();

    // The list says so too while the date is unsettled.
    const before = await send('4月31日召开党小组会');
    expect(cardText(h.fake.message((await send('列表')).messageId)!.content)).toContain('4月没有31日，请确认日期');
    await click(h.fake, before, QIAN, '撤销');

    // A month without a day: its first day, marked, and the card asks for the day.
    card = await send('5月份开展廉政警示教育');
    expect(shown(card)).toContain('只写了5月，已先记在2026年5月1日，请补充具体日期');
    r = await click(h.fake, card, QIAN, '确认', { date0: '2026-05-12' });
    expect(r.toast).toMatchObject({ type: 'success' });
    expect((await act.store.recent(o, 0, 5)).records.find((x) => x.kind === '廉政教育')).toMatchObject({ date: '2026-05-12', status: 'confirmed' });

    // A date to come: 该日期尚未到来, kept as a plan (not counted) or moved to last year.
    card = await send('6月25日召开支委会');
    expect(shown(card)).toContain('该日期尚未到来（2026年6月25日）');
    r = await click(h.fake, card, QIAN, '按计划记录');
    expect(r.toast).toMatchObject({ type: 'success', content: '已按计划记录，活动开展后请修改日期或确认' });
    rec = (await act.store.recent(o, 0, 5)).records.find((x) => x.kind === '支委会')!;
    expect(rec).toMatchObject({ date: '2026-06-25', planned: true });
    expect(shown(card)).toContain('计划');
    card = await send('7月3日召开党员大会');
    r = await click(h.fake, card, QIAN, '改为2025年');
    expect(r.toast).toMatchObject({ type: 'success', content: '已改为去年的日期' });
    expect((await act.store.recent(o, 0, 10)).records.find((x) => x.kind === '党员大会')).toMatchObject({ date: '2025-07-03', status: 'confirmed' });

    // A plan: nothing logged, and the card says why (not the generic help).
    const stored = (await act.store.recent(o, 0, 50)).total;
    card = await send('下周三召开支委会');
    expect(shown(card)).toContain('尚未开展的活动');
    expect(shown(card)).toContain('这条消息说的是尚未开展的支委会，暂不记入台账。');
    expect((await act.store.recent(o, 0, 50)).total).toBe(stored);

    // No date at all: today, and the card says so.
    card = await send('召开组织生活会，开展民主评议党员');
    expect(shown(card)).toContain('消息中没有写日期，已按今天（6月17日）记录');
    // Two kinds in one message: two linked records, each counted once.
    await click(h.fake, card, QIAN, '确认');
    const counts = (await act.stats(o.tenant, QIAN, 2026))?.counts ?? {};
    expect(counts).toMatchObject({ 主题党日: 1, 廉政教育: 1, 组织生活会: 1, 民主评议党员: 1 });
    expect(counts.支委会).toBeUndefined();
    frozen = was;
  });

  it('asks for the kinds of many unclear activities a few at a time, and confirms each once it has one', async () => {
    const lines = Array.from({ length: 7 }, (_, n) => `3月${n + 1}日开会，研究第${n + 1}项工作`);
    const ZHAO = 'ou_secretary_zhao';
    h.fake.addUser({ openId: ZHAO, name: '赵书记' });
    const c = h.fake.p2pChatOf(ZHAO);
    expect((await h.fake.userSendsText({ chatId: c, openId: ZHAO, text: lines.join('\n') })).status).toBe(200);
    const card = await waitFor(() => botMessages(c)[0], 'the confirmation card');
    const form = () => Object.keys(buttons(h.fake.message(card.messageId)!.content).find((b) => b.text === '确认')?.form ?? {});
    expect(form().filter((k) => k.startsWith('kind'))).toHaveLength(5);
    const first = Object.fromEntries(form().filter((k) => k.startsWith('kind')).map((k) => [k, '支委会']));
    let r = await click(h.fake, card, ZHAO, '确认', first);
    expect(r.toast).toMatchObject({ type: 'success', content: '已记入台账；请继续为其余活动选择类型' });
    const rest = form().filter((k) => k.startsWith('kind'));
    expect(rest).toHaveLength(2);
    expect(rest.some((k) => k in first)).toBe(false);
    r = await click(h.fake, card, ZHAO, '确认', Object.fromEntries(rest.map((k) => [k, '党小组会'])));
    expect(r.toast).toMatchObject({ type: 'success', content: '已记入台账' });
    const { records } = await act.store.recent({ ...owner, openId: ZHAO }, 0, 100);
    expect(records).toHaveLength(7);
    expect(records.every((x) => x.status === 'confirmed' && x.kind !== null)).toBe(true);
  });
});
