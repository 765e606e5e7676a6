// 帮我起草, the pure part: what the model is told, and the guard rails on its answer (numbers, markup, garbage);
// the step cards with the button and a draft stay sendable at their largest.
import { describe, expect, it } from 'vitest';
import { CARD_MAX_BYTES, cardBytes } from '../../cards/parts.ts';
import { renderCard } from '../../cards/walkthrough.ts';
import { draftInputOf } from '../../src/drafting/feature.ts';
import {
  allowedNumbers,
  buildMessages,
  chineseToNumber,
  type DraftInput,
  guardDraft,
  guardNumbers,
  isGarbage,
  numbersIn,
  stripMarkup,
} from '../../src/report/draft.ts';
import { type ConfigError, llmOf, loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import { MAX_PARAGRAPHS, newSession, type Session, sessionSchema, steps } from '../../src/report/walkthrough-state.ts';

const NOW = Date.UTC(2026, 11, 10, 2);
const TZ = 'Asia/Shanghai';

const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  mode: 'draft',
  heading: '一、主要成绩及经验（一）认真履行职责，带头落实党建工作责任制',
  guidance: '写您本人如何履行第一责任人职责。',
  unit: '区财政局',
  orgType: '党支部',
  year: 2026,
  typed: '全年主持召开支委会12次',
  saved: [],
  activities: [
    { kind: '支委会', count: 12 },
    { kind: '党课', count: 2 },
  ],
  ...over,
});

describe('the prompt', () => {
  it('carries the section, guidance, unit, year, typed text, activities, last year and the register rules', () => {
    const [system, user] = buildMessages(input({ lastYear: '去年召开支委会10次' }));
    expect(system!.content).toContain('第一人称');
    expect(system!.content).toContain('一是');
    expect(system!.content).toContain('不得编造');
    expect(system!.content).toContain('150 至 400 字');
    for (const part of ['认真履行职责', '写您本人如何履行', '区财政局党支部', '2026年', '全年主持召开支委会12次', '支委会12次；党课2次', '去年召开支委会10次']) {
      expect(user!.content).toContain(part);
    }
  });

  it('is built from the session of the secretary only: no other data reaches it', () => {
    const s = newSession({ id: 'a', tenantKey: 't', openId: 'ou_a', now: NOW, tz: TZ });
    s.answers.setup = { unit: '区财政局', orgType: '党支部', year: 2026 };
    s.step = 'ach:duty';
    const i = draftInputOf(s, { now: NOW, tz: TZ, operatorOpenId: 'ou_a', stats: { year: 2026, counts: { 支委会: 3, 集中学习: 9 } } }, 'draft', { para: '我的话' });
    expect(i.activities).toEqual([{ kind: '支委会', count: 3 }]);
    expect(i.typed).toBe('我的话');
    expect(i.unit).toBe('区财政局');
    // Figures of another year are not offered.
    const other = draftInputOf(s, { now: NOW, tz: TZ, operatorOpenId: 'ou_a', stats: { year: 2025, counts: { 支委会: 3 } } }, 'draft', {});
    expect(other.activities).toEqual([]);
  });
});

describe('the number guard', () => {
  it('reads Arabic and Chinese figures', () => {
    expect(chineseToNumber('十二')).toBe(12);
    expect(chineseToNumber('一百零五')).toBe(105);
    expect(chineseToNumber('二〇二六')).toBe(2026);
    expect(numbersIn('开展集中学习十二次，党员大会4次，一岗双责').map((n) => n.value)).toEqual([12, 4]);
  });

  it('marks figures that are in no input, keeps those that are', () => {
    const allowed = allowedNumbers(input());
    expect(allowed.has(12)).toBe(true);
    expect(allowed.has(2026)).toBe(true);
    const g = guardNumbers('2026年，召开支委会十二次、党员大会4次，发展党员3名。', allowed);
    expect(g.text).toBe('2026年，召开支委会十二次、党员大会4次【请核实】，发展党员3名【请核实】。');
    expect(g.flagged).toEqual(['4次', '3名']);
    // The template's example figures are not inputs.
    expect(allowed.has(4)).toBe(false);
  });
});

describe('markup and garbage', () => {
  it('strips what chat models add around prose', () => {
    const raw = '<think>先想想</think>好的，以下是初稿：\n\n```markdown\n## 标题\n**我认真履行职责**，一是[抓学习](http://x)；二是抓组织。\n```\n如需调整，请告诉我。';
    expect(stripMarkup(raw)).toBe('标题\n我认真履行职责，一是抓学习；二是抓组织。');
  });

  it('refuses an answer that is not prose', () => {
    expect(isGarbage('{"ok": true, "tokens": [1, 2, 3]}')).toBe(true);
    expect(isGarbage('好的')).toBe(true);
    expect(isGarbage('我认真履行党建工作第一责任人职责，坚持以上率下，推动各项工作落实。')).toBe(false);
    expect(guardDraft('', input())).toBeNull();
  });

  it('runs the checker on the draft', () => {
    const g = guardDraft('2026年，我认真履行党建工作第一责任人职责,全年召开支委会12次，推动各项工作落到实处。', input())!;
    expect(g.flagged).toEqual([]);
    expect(g.findings.some((f) => f.includes('半角'))).toBe(true);
  });
});

describe('the step cards with 帮我起草', () => {
  const w = (n: number) => '"\\*<党'.repeat(Math.ceil(n / 5)).slice(0, n);
  function big(): Session {
    const s = newSession({ id: 's'.repeat(64), tenantKey: 'tk', openId: 'ou_owner', now: NOW, tz: TZ });
    s.rev = 99_999;
    s.answers.setup = { unit: w(60), orgType: '党委', year: 2026 };
    s.answers.opening = Array.from({ length: MAX_PARAGRAPHS.opening }, () => w(1000));
    for (const a of s.answers.achievements) a.paragraphs = Array.from({ length: MAX_PARAGRAPHS.achievement }, () => w(1000));
    s.answers.problems = Array.from({ length: 10 }, () => ({ problem: w(500), analysis: [w(1000)] }));
    s.answers.plan = { intro: w(1000), items: Array.from({ length: 20 }, () => w(1000)) };
    return sessionSchema.parse(s);
  }

  it('fit, pass the checker and escape the draft, in every state and on every text step', () => {
    const s = big();
    const ctx = { now: NOW, tz: TZ, operatorOpenId: 'ou_owner', assist: { host: 'llm.example.gov.cn' } };
    const views = [
      undefined,
      { state: 'pending' as const, mode: 'draft' as const },
      { state: 'done' as const, mode: 'draft' as const, flagged: 3, findings: Array.from({ length: 20 }, () => w(300)), original: w(1000) },
      { state: 'failed' as const, message: '模型服务暂时出现故障，请稍后再试。' },
    ];
    for (const step of steps(s).filter((x) => x !== 'setup' && x !== 'preview')) {
      for (const assist of views) {
        const c = renderCard({ ...s, step }, ctx, { draft: { para: w(1000), analysis: w(1000) }, ...(assist ? { assist } : {}) });
        const r = checkCard(c);
        expect({ step, r }).toMatchObject({ step, r: { ok: true } });
        expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
        const text = JSON.stringify(c);
        expect(text).toMatch(/帮我起草|润色这段|重新起草/);
      }
    }
  });

  it('has no button and no mention when no model is configured', () => {
    const s = { ...big(), step: 'opening' as const };
    const text = JSON.stringify(renderCard(s, { now: NOW, tz: TZ, operatorOpenId: 'ou_owner' }));
    expect(text).not.toMatch(/帮我起草|润色|模型/);
  });
});

describe('the settings and the metrics', () => {
  it('is absent unless LLM_BASE_URL and LLM_MODEL are set; the daily limit defaults to 30', () => {
    expect(llmOf(loadConfig({}))).toBeUndefined();
    expect(llmOf(loadConfig({ LLM_BASE_URL: 'http://10.0.0.5:8000/v1/', LLM_MODEL: 'qwen2.5-14b-instruct' }))).toEqual({
      baseUrl: 'http://10.0.0.5:8000/v1',
      model: 'qwen2.5-14b-instruct',
      dailyLimit: 30,
    });
    expect(llmOf(loadConfig({ LLM_BASE_URL: 'https://api.example.com/v1', LLM_MODEL: 'm', LLM_API_KEY: 'sk-x', LLM_DAILY_LIMIT: '5' }))).toMatchObject({ apiKey: 'sk-x', dailyLimit: 5 });
  });

  it('names every bad setting', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ LLM_BASE_URL: 'http://10.0.0.5:8000/v1' }).join()).toContain('LLM_MODEL');
    expect(problems({ LLM_MODEL: 'm' }).join()).toContain('LLM_BASE_URL');
    expect(problems({ LLM_BASE_URL: 'ftp://x', LLM_MODEL: 'm' }).join()).toContain('http(s)');
    expect(problems({ LLM_BASE_URL: 'http://a/v1', LLM_MODEL: 'm', LLM_DAILY_LIMIT: '0' }).join()).toContain('LLM_DAILY_LIMIT');
  });

  it('counts drafts by outcome, with latency and tokens', async () => {
    const m = createMetrics();
    m.draft('ok', 1.2, { prompt: 300, completion: 150 });
    m.draft('timeout', 30);
    m.draft('limit');
    const text = await m.registry.metrics();
    expect(text).toContain('shuzhi_drafts_total{outcome="ok"} 1');
    expect(text).toContain('shuzhi_drafts_total{outcome="limit"} 1');
    expect(text).toContain('shuzhi_draft_tokens_total{kind="prompt"} 300');
    expect(text).toContain('shuzhi_draft_latency_seconds_count 2');
  });
});
