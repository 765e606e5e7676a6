// A secretary writes a whole report through the fake Feishu, against real Redis: welcome card, setup, every
// section, preview; with a bot restart in the middle, two instances behind a "load balancer", duplicate
// deliveries, a double click, a foreign click, and resuming by typing "继续".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeReport } from '../../src/report/compose.ts';
import { lintReport } from '../../src/report/lint/index.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { toReportAnswers } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { cardText, click, lastCard } from '../support/cards.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { waitFor } from '../support/wait.ts';

const SECRETARY = 'ou_secretary_zhang';
const OTHER = 'ou_someone_else';
let h: Harness;
let chat: string;

const SECTION_TEXT: Record<string, string> = {
  opening:
    '2026年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大和二十届三中全会精神，紧紧围绕局中心工作，推动机关党建工作提质增效。现将有关情况报告如下',
  duty: '我坚持把党建工作摆在突出位置，全年主持召开支委会12次、党员大会4次，带头讲党课2次，严格落实“三会一课”制度',
  study: '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学，引导党员干部学深悟透党的创新理论',
  organization: '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名',
  conduct: '深入开展作风建设专项行动，建立整改清单，办事时限平均压缩三分之一',
  integrity: '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话',
  rules: '修订完善《党支部工作规则》等制度5项，坚持党务公开',
  service: '一是深化“双报到”，组织党员到社区开展志愿服务；二是结对帮扶村集体经济发展',
};

beforeAll(async () => {
  h = await startHarness({ instances: 2 });
  h.fake.addUser({ openId: SECRETARY, name: '张书记' });
  h.fake.addUser({ openId: OTHER, name: '王同志' });
  chat = h.fake.p2pChatOf(SECRETARY);
});

afterAll(async () => {
  await h?.close();
});

describe('the walk-through through the fake Feishu', () => {
  it('welcomes, walks a whole report across a restart and two instances, and composes a clean report', async () => {
    const opened = await h.fake.userOpensP2p(SECRETARY);
    expect(opened.status).toBe(200);
    const welcome = await waitFor(() => h.fake.messages(chat).find((m) => m.msgType === 'interactive'), 'the welcome card');
    expect(cardText(welcome.content)).toContain('述职助手');
    // Opening the chat again does not send a second welcome card.
    await h.fake.userOpensP2p(SECRETARY);
    expect(h.fake.messages(chat).filter((m) => m.msgType === 'interactive')).toHaveLength(1);

    // 开始 replaces the welcome card in place with the setup card: no extra message, no extra API call.
    const sendsBefore = h.fake.callsTo('im.message.create').length;
    let r = await click(h.fake, welcome, SECRETARY, '开始写述职报告');
    expect(r.errorCode).toBeUndefined();
    expect(cardText(h.fake.message(welcome.messageId)!.content)).toContain('基本信息');
    expect(h.fake.callsTo('im.message.create').length).toBe(sendsBefore);
    const card = welcome;

    // Setup with a missing unit: refused politely, nothing lost.
    r = await click(h.fake, card, SECRETARY, '保存并继续', { unit: '', org: '党支部', year: '2026', sup: '区直机关工委' });
    expect(r.toast?.type).toBe('error');
    expect(r.toast?.content).toContain('单位');
    r = await click(h.fake, card, SECRETARY, '保存并继续', { unit: '区财政局', org: '党支部', year: '2026', sup: '区直机关工委' });
    expect(r.toast?.type ?? 'success').not.toBe('error');
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('第 2/12 步');

    // A click by someone else changes nothing.
    const foreign = await click(h.fake, card, OTHER, '保存并继续', { para: '不是我的报告' });
    expect(foreign.toast?.content).toContain('其他同志');

    r = await click(h.fake, card, SECRETARY, '保存并继续', { para: SECTION_TEXT.opening });
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('第 3/12 步');

    const achievements = ['duty', 'study', 'organization', 'conduct', 'integrity', 'rules', 'service'];
    for (const [i, id] of achievements.entries()) {
      // Alternate the instance that receives each callback; restart one in the middle.
      h.use(i % 2);
      if (id === 'organization') await h.restart(0);
      if (id === 'conduct') {
        // A double click: the same card clicked twice applies once (the second card revision is stale).
        const before = h.fake.message(card.messageId)!.content;
        const [a, b] = await Promise.all([
          click(h.fake, card, SECRETARY, '保存并继续', { para: SECTION_TEXT[id] }, before),
          click(h.fake, card, SECRETARY, '保存并继续', { para: SECTION_TEXT[id] }, before),
        ]);
        const toasts = [a.toast?.content ?? '', b.toast?.content ?? ''];
        expect(toasts.some((t) => t.includes('过期') || t.includes('频繁'))).toBe(true);
        continue;
      }
      r = await click(h.fake, card, SECRETARY, '保存并继续', { para: SECTION_TEXT[id] });
      expect(r.errorCode).toBeUndefined();
      expect(r.toast?.type ?? 'success').not.toBe('error');
    }
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('第 10/12 步');

    // Problems: three, each with its analysis.
    const problems = [
      ['党建工作创新不够', '工作方法较为传统，与业务工作融合不够紧密'],
      ['理论学习不够深入', '学习形式较为单一，系统性不强'],
      ['监督考核运用不够', '考核结果与评先评优挂钩不紧'],
    ];
    for (const [problem, analysis] of problems) {
      r = await click(h.fake, card, SECRETARY, '添加这个问题', { problem, analysis });
      expect(r.toast?.type ?? 'success').not.toBe('error');
    }
    r = await click(h.fake, card, SECRETARY, '保存并继续', {});
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('第 11/12 步');

    for (const item of ['持续加强理论武装，每月组织一次集中学习', '严格落实组织生活制度，每季度讲一次党课']) {
      r = await click(h.fake, card, SECRETARY, '添加措施', { para: item });
    }
    r = await click(h.fake, card, SECRETARY, '保存并继续', {});
    const preview = cardText(h.fake.message(card.messageId)!.content);
    expect(preview).toContain('第 12/12 步');
    expect(preview).toContain('区财政局');

    // The stored session composes into a report that the checker passes with no findings.
    const store = new SessionStore(h.instances[0]!.redis);
    const cur = await sessionOnCard(store, card.messageId);
    const answers = toReportAnswers(cur.session)!;
    expect(answers.setup).toMatchObject({ unit: '区财政局', orgType: '党支部', year: 2026 });
    const text = renderText(composeReport(DUTY_REPORT, answers));
    expect(text.split('\n')[0]).toBe('2026年度区财政局党支部书记抓基层党建工作述职报告');
    expect(text).toContain('三、2027年书记抓基层党建工作思路');
    expect(lintReport(text, { year: 2026 })).toEqual([]);
    // The conduct section was written once, although clicked twice.
    expect(text.split('深入开展作风建设专项行动').length - 1).toBe(1);
  });

  it('resumes where the user left off when they type 继续, on another instance', async () => {
    h.use(1);
    const before = h.fake.messages(chat).length;
    const pushed = await h.fake.userSendsText({ chatId: chat, openId: SECRETARY, text: '继续' });
    expect(pushed.status).toBe(200);
    const m = await waitFor(() => (h.fake.messages(chat).length > before + 1 ? lastCard(h.fake, chat) : undefined), 'the resume card');
    const text = cardText(m.content);
    expect(text).toContain('继续上次的填写');
    expect(text).toContain('第 12/12 步');
  });

  it('a message delivered several times has one effect', async () => {
    const before = h.fake.callsTo('im.message.create').length;
    await h.fake.pushEvent(
      'im.message.receive_v1',
      {
        sender: { sender_id: { open_id: SECRETARY }, sender_type: 'user', tenant_key: 'tenant' },
        message: { message_id: 'om_dup_test_1', chat_id: chat, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: '继续' }) },
      },
      { duplicate: 5 },
    );
    await h.fake.whenIdle();
    expect(h.fake.callsTo('im.message.create').length - before).toBe(1);
  });

  it('in a group, answers with one line and continues privately', async () => {
    h.fake.addChat({ chatId: 'oc_group_1', name: '述职工作群', type: 'group', members: [SECRETARY, OTHER], ownerId: OTHER, botIsMember: true });
    const groupBefore = h.fake.messages('oc_group_1').length;
    const privBefore = h.fake.messages(chat).length;
    await h.fake.userSendsText({ chatId: 'oc_group_1', openId: SECRETARY, text: '写述职报告', mentionBot: true });
    await waitFor(() => (h.fake.messages(chat).length > privBefore ? true : undefined), 'the private card');
    const groupMsgs = h.fake.messages('oc_group_1').slice(groupBefore);
    const fromBot = groupMsgs.filter((m) => m.sender.type === 'app');
    expect(fromBot).toHaveLength(1);
    expect(fromBot[0]!.msgType).toBe('text');
    expect(h.fake.messages('oc_group_1').some((m) => m.msgType === 'interactive')).toBe(false);
  });

  it('greets again in an empty chat (history gone, data kept), offering to continue the report begun', async () => {
    const NEWCOMER = 'ou_newcomer_li';
    h.fake.addUser({ openId: NEWCOMER, name: '李书记' });
    const own = h.fake.p2pChatOf(NEWCOMER);
    const cards = () => h.fake.messages(own).filter((m) => m.msgType === 'interactive');
    await h.fake.userOpensP2p(NEWCOMER);
    const welcome = await waitFor(() => cards()[0], 'the welcome card');
    expect(cardText(welcome.content)).toContain('开始写述职报告');
    await click(h.fake, welcome, NEWCOMER, '开始写述职报告');
    await click(h.fake, welcome, NEWCOMER, '保存并继续', { unit: '区教育局', org: '党支部', year: '2026', sup: '' });
    expect(cardText(h.fake.message(welcome.messageId)!.content)).toContain('第 2/12 步');
    // The chat has messages: opening it again sends nothing.
    await h.fake.userOpensP2p(NEWCOMER);
    await h.fake.whenIdle();
    expect(cards()).toHaveLength(1);

    // The chat is empty again (as after a playground restart), the report kept in Redis.
    h.fake.clearHistory();
    const opened = await h.fake.userOpensP2p(NEWCOMER);
    expect(opened.status).toBe(200);
    const again = await waitFor(() => cards()[0], 'the second welcome card');
    const text = cardText(again.content);
    expect(text).toContain('尚未完成的2026年度述职报告，上次填写到第 2/12 步（开头段落）');
    expect(text).toContain('继续填写述职报告');
    // Its button opens the report where it was left.
    await click(h.fake, again, NEWCOMER, '继续填写述职报告');
    expect(cardText(h.fake.message(again.messageId)!.content)).toContain('继续上次的填写（第 2/12 步）');
  });
});

/** The session a card belongs to, by the session id its buttons carry. */
async function sessionOnCard(store: SessionStore, messageId: string) {
  const ids = JSON.stringify(h.fake.message(messageId)!.content).match(/"s":"([^"]+)"/);
  const loaded = ids ? await store.byId(ids[1]!) : null;
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  return loaded;
}
