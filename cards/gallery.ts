// A registry of sample cards: one entry for every card the bot can send, built from fixed data with a fixed
// clock (so it is deterministic). The playground shows them at /playground/gallery, and the renderer tests
// snapshot each one and fail when one uses a Card JSON 2.0 element the playground renderer does not draw.
//
// Adding a card: append a section (a function returning GalleryCard[]) to GALLERY_SECTIONS below. Ids are
// unique across the gallery (the tests check); keep them stable, they name the snapshots.
import { handleAction, type Outcome } from '../src/report/walkthrough.ts';
import {
  type Ctx,
  type ImportedReport,
  newSession,
  type Session,
  type StepId,
  steps,
  TEMPLATE,
} from '../src/report/walkthrough-state.ts';
import type { ReportStats } from '../src/report/types.ts';
import type { WtAction } from './action.ts';
import { laterCard, publishingCard, renderCard, resumeCard, welcomeCard } from './walkthrough.ts';
import { activityGalleryCards } from './activity.ts';
import { doneCard, failedCard, pendingCard } from './publish.ts';
import { deadlineGalleryCards } from './deadline.ts';

export interface GalleryCard {
  /** Unique, stable id (names the snapshot), e.g. "walkthrough/step/opening". */
  id: string;
  /** What the card is, in Chinese (shown in the gallery page). */
  title: string;
  card: object;
}

/** The fixed clock of the gallery: 10 December 2026, 10:00 in Beijing. */
export const GALLERY_NOW = Date.UTC(2026, 11, 10, 2, 0, 0);
const TZ = 'Asia/Shanghai';
const OWNER = 'ou_demo_secretary';
const STATS: ReportStats = {
  year: 2026,
  counts: { 支委会: 12, 党员大会: 4, 集中学习: 30, 党课: 4, 主题党日: 12, 志愿服务: 6 },
};
const ctx: Ctx = { now: GALLERY_NOW, tz: TZ, operatorOpenId: OWNER, stats: STATS };

const IMPORTED: ImportedReport = {
  title: '2025年度区财政局党支部书记抓基层党建工作述职报告',
  year: 2025,
  opening: '2025年，在区直机关工委的领导下，我认真履行党建工作第一责任人职责。',
  // As src/report/import.ts splits it: a heading over its paragraphs, problems run into their analysis,
  // measures written as numbered sentences.
  sections: [
    { level: 1, number: '一、', heading: '2025年基层党建主要成绩及经验', text: '', part: 'achievements' },
    {
      level: 2,
      number: '（一）',
      heading: '认真履行职责，带头落实党建工作责任制',
      text: '去年主持召开支委会10次、党员大会4次。\n严格落实“三会一课”制度。',
      templateId: 'duty',
      part: 'achievements',
    },
    { level: 1, number: '二、', heading: '基层党建方面存在的突出问题', text: '', part: 'problems' },
    { level: 2, number: '（一）', heading: '理论学习不够深入', end: '。', runIn: true, text: '个别党员学习满足于读原文、记笔记。', part: 'problems' },
    { level: 2, number: '（二）', heading: '党建与业务融合不够', end: '。', runIn: true, text: '存在“两张皮”现象。', part: 'problems' },
    { level: 1, number: '三、', heading: '2026年书记抓基层党建工作思路', text: '2026年，我将继续认真履行党建工作第一责任人职责。', part: 'plan' },
    { level: 2, number: '（一）', heading: '加强理论武装，建立每月集中学习制度，每季度开展一次专题研讨', end: '。', text: '', part: 'plan' },
    { level: 2, number: '（二）', heading: '严格组织生活，落实“三会一课”制度', end: '。', text: '', part: 'plan' },
  ],
  problems: ['理论学习不够深入', '党建与业务融合不够'],
};

function act(s: Session, a: WtAction, form?: Record<string, unknown>, t?: string | number): Session {
  const o: Outcome = handleAction(s, { k: 'wt', a, s: s.id, st: s.step, r: s.rev, ...(t !== undefined ? { t } : {}) }, form, ctx);
  if (o.kind === 'reject') throw new Error(`gallery: the sample session was refused: ${o.toast.content}`);
  return o.session;
}

/** A session with something written in every part (last year's report imported, statistics offered). */
function filledSession(): Session {
  const first = TEMPLATE.achievements[0]!;
  const second = TEMPLATE.achievements[1]!;
  let s: Session = { ...newSession({ id: 'gallery-1', tenantKey: 'tk', openId: OWNER, now: GALLERY_NOW, tz: TZ }), imported: IMPORTED };
  s = act(s, 'next', { unit: '区财政局', org: '党支部', year: '2026', sup: '区直机关工委' });
  s = act(s, 'next', { para: '2026年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责。' });
  s = act(s, 'stat', { heading: first.heading, stat: '', para: '' }, 'accept');
  s = act(s, 'next', { heading: first.heading, para: '我坚持把党建工作摆在突出位置，严格落实“三会一课”制度。' });
  s = act(s, 'save', { heading: second.heading, para: '坚持每月开展集中学习。' });
  s = act(s, 'goto', undefined, 'problems');
  s = act(s, 'save', { problem: '党建工作创新不够', analysis: '工作方法较为传统。' });
  s = act(s, 'goto', undefined, 'plan');
  s = act(s, 'save', { intro: '', para: '持续加强理论武装\n严格落实组织生活制度' });
  s = act(s, 'goto', undefined, 'rectification');
  s = act(s, 'save', { para: '针对理论学习不够深入的问题，建立了每月集中学习制度。' });
  return s;
}

function stepTitle(step: StepId): string {
  if (step === 'setup') return '第 1 步：基本信息';
  if (step === 'opening') return '开头段落';
  if (step === 'rectification') return '上年度问题整改情况';
  if (step === 'problems') return '存在的突出问题';
  if (step === 'plan') return '下一年度工作思路';
  if (step === 'preview') return '预览与检查';
  return `主要成绩及经验：${step.slice(4)}`;
}

/** The walk-through (cards/walkthrough.ts): welcome, every step, preview, later, publishing, resume. */
function walkthroughCards(): GalleryCard[] {
  const fresh = newSession({ id: 'gallery-0', tenantKey: 'tk', openId: OWNER, now: GALLERY_NOW, tz: TZ });
  const s = filledSession();
  const out: GalleryCard[] = [
    { id: 'walkthrough/welcome', title: '欢迎卡片', card: welcomeCard() },
    { id: 'walkthrough/welcome-in-progress', title: '欢迎卡片（已有未完成的报告）', card: welcomeCard({ ...filledSession(), step: 'problems' }) },
    { id: 'walkthrough/setup-empty', title: '第 1 步：基本信息（未填写）', card: renderCard(fresh, ctx) },
  ];
  for (const step of steps(s)) {
    out.push({ id: `walkthrough/step/${step}`, title: stepTitle(step), card: renderCard({ ...s, step }, ctx) });
  }
  const editing = act({ ...s, step: 'opening' }, 'edit', undefined, 0);
  out.push(
    { id: 'walkthrough/editing', title: '修改已填写的段落', card: renderCard(editing, ctx) },
    { id: 'walkthrough/later', title: '稍后继续（进度已保存）', card: laterCard(s) },
    { id: 'walkthrough/publishing', title: '正在生成文档', card: publishingCard(s) },
    { id: 'walkthrough/resume', title: '继续上次的填写', card: resumeCard({ ...s, step: 'problems' }, ctx) },
    {
      id: 'walkthrough/preview-published',
      title: '预览（已生成过文档）',
      card: renderCard({ ...s, step: 'preview' }, { ...ctx, published: { url: 'https://example.feishu.cn/docx/doxcnGallerySample', at: GALLERY_NOW } }),
    },
  );
  return out;
}

/** 帮我起草 on a step card (src/drafting/feature.ts): the button, 正在起草…, the draft in the box, a failure. */
function draftingCards(): GalleryCard[] {
  const s = { ...filledSession(), step: 'ach:duty' as const };
  const dctx = { ...ctx, assist: { host: 'llm.example.gov.cn' } };
  const draft =
    '2026年，我认真履行党建工作第一责任人职责，一是坚持以上率下，全年支委会12次、党员大会4次、党课2次，推动学习教育常态化；二是全年累计开展活动99次【请核实】，把党建工作与业务工作同谋划、同部署、同落实；三是加强督促检查，确保各项任务落到实处。';
  const editing = act({ ...s, step: 'opening' }, 'edit', undefined, 0);
  return [
    { id: 'drafting/offer', title: '帮我起草：按钮与去向说明', card: renderCard(s, dctx) },
    { id: 'drafting/pending', title: '帮我起草：正在起草', card: renderCard(s, dctx, { draft: { para: '我坚持把党建工作摆在突出位置' }, assist: { state: 'pending', mode: 'draft' } }) },
    {
      id: 'drafting/done',
      title: '帮我起草：初稿已填入输入框（含待核实数字）',
      card: renderCard(s, dctx, {
        draft: { para: draft },
        assist: { state: 'done', mode: 'draft', flagged: 1, findings: ['中文中使用了半角标点“,”。（建议：改为“，”）'], original: '我坚持把党建工作摆在突出位置' },
      }),
    },
    { id: 'drafting/failed', title: '帮我起草：未能生成', card: renderCard(s, dctx, { draft: { para: '我坚持把党建工作摆在突出位置' }, assist: { state: 'failed', message: '模型服务响应超时（超过 30 秒），请稍后点击“重新起草”再试。' } }) },
    { id: 'drafting/polish', title: '润色这段（修改已填写的段落）', card: renderCard(editing, dctx) },
  ];
}

/** Publishing (cards/publish.ts): 生成中, the result card (first time, regenerated), the failure card. */
function publishCards(): GalleryCard[] {
  const ref = { sessionId: 'gallery-1', rev: 12, title: '2026年度区财政局党支部书记抓基层党建工作述职报告' };
  const url = 'https://example.feishu.cn/docx/doxcnGallerySample';
  return [
    { id: 'publish/pending', title: '生成文档：生成中', card: pendingCard(ref) },
    { id: 'publish/done', title: '生成文档：已生成（附文档链接）', card: doneCard({ ...ref, url, regenerated: false, at: '2026-12-10 10:00' }) },
    { id: 'publish/regenerated', title: '生成文档：已按修改更新同一文档', card: doneCard({ ...ref, url, regenerated: true, at: '2026-12-10 10:30' }) },
    {
      id: 'publish/failed',
      title: '生成文档：未能生成（可重试）',
      card: failedCard({ ...ref, reason: '“述职助手”暂无在飞书云文档中创建或编辑文档的权限，文档未能生成。请联系本单位飞书管理员为“述职助手”开通云文档权限后，点击“重试”。' }),
    },
  ];
}

/** Every section of the gallery, in display order. Append new sections here. */
export const GALLERY_SECTIONS: ReadonlyArray<{ id: string; title: string; cards: () => GalleryCard[] }> = [
  { id: 'walkthrough', title: '述职报告填写', cards: walkthroughCards },
  { id: 'drafting', title: '帮我起草', cards: draftingCards },
  { id: 'publish', title: '生成文档', cards: publishCards },
  { id: 'activity', title: '支部活动记录', cards: activityGalleryCards },
  { id: 'deadline', title: '截止提醒', cards: deadlineGalleryCards },
];

type Obj = Record<string, unknown>;

/** Form controls whose component has no `label` property: labelled by the markdown line just above them. */
const LABELLED_ABOVE = new Set(['select_static', 'multi_select_static', 'date_picker']);

/**
 * The fields of a card that carry no label, by JSON path: an input without a non-empty `label`, a select or
 * date picker without a markdown line just above it (cards/parts.ts fieldLabel), a checker without its text.
 */
export function unlabelledFields(card: object): string[] {
  const out: string[] = [];
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as Obj).content ?? '').trim() : '');
  const list = (els: unknown, path: string) => {
    if (!Array.isArray(els)) return;
    els.forEach((el: unknown, i) => {
      if (typeof el !== 'object' || el === null) return;
      const o = el as Obj;
      const at = `${path}[${i}] (${String(o.tag)}${typeof o.name === 'string' ? ` "${o.name}"` : ''})`;
      const above = els[i - 1] as Obj | undefined;
      if (o.tag === 'input' && text(o.label) === '') out.push(at);
      if (LABELLED_ABOVE.has(String(o.tag)) && !(above?.tag === 'markdown' && String(above.content ?? '').trim() !== '')) out.push(at);
      if (o.tag === 'checker' && text(o.text) === '') out.push(at);
      list(o.elements, `${path}[${i}].elements`);
      if (Array.isArray(o.columns)) {
        o.columns.forEach((c, j) => {
          list((c as Obj).elements, `${path}[${i}].columns[${j}].elements`);
        });
      }
    });
  };
  list((card as { body?: Obj }).body?.elements, 'body.elements');
  return out;
}

/** Every sample card, in display order. */
export function galleryCards(): GalleryCard[] {
  return GALLERY_SECTIONS.flatMap((s) => s.cards());
}
