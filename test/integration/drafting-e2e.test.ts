// 帮我起草 end to end: the fake Open Platform and its fake OpenAI-compatible endpoint over HTTP, real Redis, a
// real bot instance with the drafting feature. A draft, a redraft, a polish, the number guard, chat markup, every
// failure and the daily limit; the secretary's typed text is never lost and nothing is saved without a click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftingFeature } from '../../src/drafting/feature.ts';
import { createLlm } from '../../src/drafting/llm.ts';
import type { FakeMessage } from '../../src/playground/fake/index.ts';
import type { ReportStats } from '../../src/report/types.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { escapeMd } from '../../cards/escape.ts';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';
import { waitFor } from '../support/wait.ts';

const SECRETARY = 'ou_secretary_draft';
const OTHER = 'ou_other_draft';
const LIMIT = 40;
const STATS: ReportStats = { year: 2026, counts: { 支委会: 12, 党员大会: 4, 党课: 2 } };
const logs: Array<Record<string, unknown>> = [];
let h: Harness;
let card: FakeMessage;
let otherCard: FakeMessage;

const logger = {
  info: (o: object) => logs.push({ level: 'info', ...o }),
  warn: (o: object) => logs.push({ level: 'warn', ...o }),
  error: (o: object) => logs.push({ level: 'error', ...o }),
};

function inputValue(content: unknown, name: string): string | undefined {
  let found: string | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const el = n as Record<string, unknown>;
    if (el.tag === 'input' && el.name === name) found = typeof el.default_value === 'string' ? el.default_value : '';
    for (const v of Object.values(el)) if (typeof v === 'object') walk(v);
  };
  walk(content);
  return found;
}

const now = () => h.fake.message(card.messageId)!.content;
const shows = (text: string) => waitFor(() => cardText(now()).includes(text), `the card to show ${text}`, 15_000);

async function open(openId: string, unit: string): Promise<FakeMessage> {
  await h.fake.userOpensP2p(openId);
  const chat = h.fake.p2pChatOf(openId);
  const welcome = await waitFor(() => h.fake.messages(chat).find((m) => m.msgType === 'interactive'), 'the welcome card');
  await click(h.fake, welcome, openId, '开始写述职报告');
  await click(h.fake, welcome, openId, '保存并继续', { unit, org: '党支部', year: '2026', sup: '区直机关工委' });
  return welcome;
}

async function session(m: FakeMessage) {
  const sid = buttons(h.fake.message(m.messageId)!.content).find((b) => b.value.k === 'wt')?.value.s;
  const cur = await new SessionStore(h.instances[0]!.redis).byId(String(sid));
  if (!cur || !('session' in cur)) throw new Error('no session');
  return cur.session;
}

beforeAll(async () => {
  h = await startHarness({
    configure: (base) => {
      const llm = createLlm({ baseUrl: `${base.fake!.url}/v1`, model: 'fake-drafter', timeoutMs: 1500 });
      return {
        features: [createDraftingFeature({ ...base, llm, dailyLimit: LIMIT, tz: TZ, logger, stats: async () => STATS, settleMs: 300 })],
        assistHost: llm.host,
        stats: async () => STATS,
      };
    },
  });
  h.fake.addUser({ openId: SECRETARY, name: '张书记' });
  h.fake.addUser({ openId: OTHER, name: '王书记' });
  otherCard = await open(OTHER, '区教育局');
  // The other secretary's unsaved text stays theirs.
  await click(h.fake, otherCard, OTHER, '保存本段', { para: '区教育局机关党委全年开展读书班7期' });
  card = await open(SECRETARY, '区财政局');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('帮我起草 through the fake Feishu and the fake model', () => {
  it('offers the button on a text step and says where the text goes', () => {
    const texts = buttons(now()).map((b) => b.text);
    expect(texts).toContain('帮我起草');
    expect(cardText(now())).toContain(`发送至 ${escapeMd(new URL(h.fake.url).host)}`);
  });

  it('drafts into the input box, keeps the typed text, saves nothing until 保存本段', async () => {
    const typed = '我坚持把党建工作摆在突出位置';
    const r = await click(h.fake, card, SECRETARY, '帮我起草', { para: typed });
    expect(r.errorCode).toBeUndefined();
    expect(r.toast?.content).toBe('正在起草…');
    expect(cardText(r.card)).toContain('正在起草…');
    expect(inputValue(r.card, 'para')).toBe(typed);
    await shows('初稿已填入下方输入框');
    const draft = inputValue(now(), 'para')!;
    expect(draft).toContain(typed);
    expect(draft).toContain('一是');
    expect(draft).toContain('区财政局');
    expect(draft).not.toContain('区教育局');
    expect(cardText(now())).toContain('您原来输入的内容');
    expect(buttons(now()).map((b) => b.text)).toContain('重新起草');
    expect((await session(card)).answers.opening).toEqual([]);

    // 重新起草 starts again from the typed text, not from the draft.
    await click(h.fake, card, SECRETARY, '重新起草');
    await shows('初稿已填入下方输入框');
    const again = inputValue(now(), 'para')!;
    expect(again.split(typed).length - 1).toBe(1);
    // 用回我的原文 puts the typed text back.
    const mine = await click(h.fake, card, SECRETARY, '用回我的原文');
    expect(inputValue(mine.card, 'para')).toBe(typed);

    await click(h.fake, card, SECRETARY, '帮我起草');
    await shows('初稿已填入下方输入框');
    const edited = `${inputValue(now(), 'para')!}（已修改）`;
    const saved = await click(h.fake, card, SECRETARY, '保存本段', { para: edited });
    expect(saved.toast?.content).toBe('已保存');
    expect((await session(card)).answers.opening).toEqual([edited]);
  });

  it('polishes a saved paragraph into the edit box', async () => {
    await click(h.fake, card, SECRETARY, '修改');
    expect(buttons(now()).map((b) => b.text)).toContain('润色这段');
    const r = await click(h.fake, card, SECRETARY, '润色这段');
    expect(r.toast?.content).toBe('正在润色…');
    await shows('润色稿已填入下方输入框');
    expect(inputValue(now(), 'para')).toMatch(/^经认真梳理，/);
    await click(h.fake, card, SECRETARY, '取消修改');
  });

  it('marks a figure that is in no input with 【请核实】, and strips chat markup', async () => {
    // The achievements step: the section's counts (支委会12次…) are inputs, 99 is not.
    await click(h.fake, card, SECRETARY, '保存并继续', { para: '' });
    h.fake.llm.failNext({ kind: 'invent' });
    await click(h.fake, card, SECRETARY, '帮我起草');
    await shows('已标注“【请核实】”');
    const draft = inputValue(now(), 'para')!;
    expect(draft).toContain('99次【请核实】');
    expect(draft).toContain('支委会12次');
    expect(draft).not.toContain('12次【请核实】');
    expect(cardText(now())).toContain('有 1 处数字未能在您的记录中找到');

    h.fake.llm.failNext({ kind: 'markup' });
    await click(h.fake, card, SECRETARY, '重新起草');
    await waitFor(() => !cardText(now()).includes('【请核实】') && cardText(now()).includes('初稿已填入'), 'the markup draft');
    const clean = inputValue(now(), 'para')!;
    expect(clean).not.toMatch(/\*\*|```|好的|如需调整/);
    expect(clean).toContain('一是');
  });

  const failures: Array<[string, Parameters<Harness['fake']['llm']['failNext']>[0], string]> = [
    ['timeout', { kind: 'slow', ms: 2500 }, '响应超时'],
    ['429', { kind: 'status', status: 429 }, '繁忙'],
    ['500', { kind: 'status', status: 500 }, '暂时出现故障'],
    ['503', { kind: 'status', status: 503 }, '暂时出现故障'],
    ['empty', { kind: 'empty' }, '没有返回内容'],
    ['garbage', { kind: 'garbage' }, '无法使用'],
  ];
  for (const [name, fault, message] of failures) {
    it(`says so when the model fails (${name}) and keeps the typed text`, async () => {
      const typed = `我的原稿（${name}）`;
      const quota = async () => Number((await h.instances[0]!.redis.get((await h.instances[0]!.redis.keys(`shuzhi:draft:quota:*:${SECRETARY}:*`))[0]!)) ?? 0);
      const before = await quota();
      h.fake.llm.failNext(fault);
      const label = buttons(now()).some((b) => b.text === '重新起草') ? '重新起草' : '帮我起草';
      await click(h.fake, card, SECRETARY, label, { para: typed });
      await shows('未能生成初稿');
      expect(cardText(now())).toContain(message);
      expect(inputValue(now(), 'para')).toBe(typed);
      const ach = (await session(card)).answers.achievements.find((a) => a.id === 'duty')!;
      expect(ach.paragraphs).toEqual([]);
      // A failed draft is not counted against the daily limit.
      expect(await quota()).toBe(before);
    });
  }

  it('refreshes an outdated card instead of drafting on it', async () => {
    const old = now();
    await click(h.fake, card, SECRETARY, '保存标题');
    const calls = h.fake.llm.calls.length;
    const r = await click(h.fake, card, SECRETARY, '帮我起草', {}, old);
    expect(r.toast?.content).toContain('过期');
    expect(h.fake.llm.calls.length).toBe(calls);
  });

  it('refuses a click by someone else', async () => {
    const r = await click(h.fake, card, OTHER, '帮我起草');
    expect(r.toast?.content).toContain('其他同志');
  });

  it('stops at the daily limit with a clear message, the typed text kept', async () => {
    const redis = h.instances[0]!.redis;
    const keys = await redis.keys(`shuzhi:draft:quota:*:${SECRETARY}:*`);
    expect(keys).toHaveLength(1);
    await redis.set(keys[0]!, String(LIMIT));
    const calls = h.fake.llm.calls.length;
    const r = await click(h.fake, card, SECRETARY, '帮我起草', { para: '今天的最后一稿' });
    expect(r.toast?.content).toContain('次数已用完');
    expect(cardText(r.card)).toContain(`每人每天 ${LIMIT} 次`);
    expect(inputValue(r.card, 'para')).toBe('今天的最后一稿');
    await new Promise((res) => setTimeout(res, 500));
    expect(h.fake.llm.calls.length).toBe(calls);
  });

  it('logs the model, latency, tokens and outcome, and no content', () => {
    const drafts = logs.filter((l) => l.model === 'fake-drafter');
    expect(drafts.length).toBeGreaterThanOrEqual(10);
    const all = JSON.stringify(logs);
    for (const secret of ['我坚持把党建工作摆在突出位置', '区财政局', '我的原稿', '今天的最后一稿']) expect(all).not.toContain(secret);
    const outcomes = new Set(drafts.map((d) => d.outcome));
    for (const o of ['ok', 'flagged', 'timeout', 'rate_limited', 'server_error', 'empty', 'garbage', 'limit']) expect(outcomes).toContain(o);
    const ok = drafts.filter((d) => d.outcome === 'ok' || d.outcome === 'flagged');
    const avg = (k: string) => Math.round(ok.reduce((n, d) => n + Number(d[k] ?? 0), 0) / ok.length);
    for (const d of ok) expect(Number(d.promptTokens)).toBeGreaterThan(0);
    console.log(
      `drafts against the fake: ${ok.length} ok, latency avg ${avg('latencyMs')} ms (max ${Math.max(...ok.map((d) => Number(d.latencyMs)))} ms), prompt tokens avg ${avg('promptTokens')}, completion tokens avg ${avg('completionTokens')}`,
    );
  });
});
