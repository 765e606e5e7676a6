// Card JSON 2.0 renderers for publishing the report: 生成中 (the answer to 生成文档 and 重试), the result card
// with the document link, and the failure card with 重试. Pure.
//
// Buttons carry {k:'pub', a, s: session id, r: session revision of the publish}; 打开文档 is an open_url
// button. The only user-typed text shown is the report title (it contains the unit's name): escaped.
import { z } from 'zod';
import { escapeMd } from './escape.ts';
import { card, type El, grey, md, plain, row } from './parts.ts';

export const PUB_ACTIONS = [
  'retry', // publish again after a failure (same revision, same document)
  'word', // build the .docx and send it as a file message
  'back', // show the walk-through card again (the preview)
] as const;
export type PubAction = (typeof PUB_ACTIONS)[number];

export const pubValueSchema = z.object({
  k: z.literal('pub'),
  a: z.enum(PUB_ACTIONS),
  s: z.string().min(1).max(64),
  r: z.number().int().min(0),
});
export type PubActionValue = z.infer<typeof pubValueSchema>;

export function parsePubValue(v: unknown): PubActionValue | null {
  const r = pubValueSchema.safeParse(v);
  return r.success ? r.data : null;
}

/** Which publish a card is about: the session and the revision that was published. */
export interface PublishRef {
  sessionId: string;
  rev: number;
  /** The report title (user text: escaped here). */
  title: string;
}

function pubButton(text: string, a: PubAction, ref: PublishRef, type: 'default' | 'primary' = 'default'): El {
  const value: PubActionValue = { k: 'pub', a, s: ref.sessionId, r: ref.rev };
  return { tag: 'button', text: plain(text), type, size: 'medium', behaviors: [{ type: 'callback', value }] };
}

function openButton(url: string): El {
  return {
    tag: 'button',
    text: plain('打开文档'),
    type: 'primary',
    size: 'medium',
    behaviors: [{ type: 'open_url', default_url: url, pc_url: url, ios_url: url, android_url: url }],
  };
}

function titleLine(ref: PublishRef): string {
  return `**${escapeMd(ref.title)}**`;
}

/** The card while the document is being generated (replaces the card that was clicked). */
/**
 * Seconds one report takes when many wait: Feishu lets an app create 3 documents and write 3 edits a second,
 * and a report of ~40 blocks needs one of each (`npm run bench publish`: 200 reports in 73.7 s, 0.37 s each).
 */
export const SECONDS_PER_QUEUED_REPORT = 0.4;
/** From this many reports ahead the card says how long the wait is. */
const SHOW_QUEUE_FROM = 10;

/** What the 生成中 card says about the wait: nothing when it is short, else the reports ahead and an estimate. */
export function queueLine(ahead: number): string | undefined {
  if (ahead < SHOW_QUEUE_FROM) return undefined;
  const minutes = Math.max(1, Math.ceil((ahead * SECONDS_PER_QUEUED_REPORT) / 60));
  return `目前还有 ${ahead} 份报告排在前面，预计约 ${minutes} 分钟后生成完成（飞书文档写入速度有限，请耐心等待，无需重复点击）。`;
}

export function pendingCard(ref: PublishRef, o: { ahead?: number } = {}): El {
  const wait = queueLine(o.ahead ?? 0);
  return card({
    title: '述职报告 · 生成中',
    template: 'wathet',
    summary: '正在生成述职报告文档',
    elements: [
      md(titleLine(ref)),
      md('正在生成飞书文档，请稍候。生成完成后，本卡片将显示文档链接。'),
      ...(wait ? [md(wait)] : []),
      md(grey('生成期间请勿重复点击，您的填写内容已妥善保存。'), { size: 'notation' }),
      row([pubButton('返回修改', 'back', ref)]),
    ],
  });
}

/** The result: the link, and the Word export. */
export function doneCard(ref: PublishRef & { url: string; regenerated: boolean; at: string }): El {
  return card({
    title: '述职报告 · 已生成文档',
    template: 'green',
    summary: '述职报告文档已生成',
    elements: [
      md(titleLine(ref)),
      md(
        ref.regenerated
          ? '已按最新填写内容更新飞书文档，文档链接保持不变。'
          : '述职报告已生成飞书文档，您拥有该文档的全部权限，可直接在文档中修改、分享。',
      ),
      md(grey(`生成时间：${ref.at}`), { size: 'notation' }),
      row([openButton(ref.url), pubButton('下载 Word 版', 'word', ref), pubButton('返回修改', 'back', ref)]),
    ],
  });
}

/** Publishing failed: what happened, in plain words, and 重试. */
export function failedCard(ref: PublishRef & { reason: string }): El {
  return card({
    title: '述职报告 · 文档未能生成',
    template: 'orange',
    summary: '述职报告文档未能生成',
    elements: [
      md(titleLine(ref)),
      md(escapeMd(ref.reason)),
      md(grey('您的填写内容已妥善保存，不会丢失。'), { size: 'notation' }),
      row([pubButton('重试', 'retry', ref, 'primary'), pubButton('返回修改', 'back', ref)]),
    ],
  });
}

/** Sample cards for the renderer tests (cards/gallery.ts). */
export const PUBLISH_SAMPLES: Record<string, () => El> = {
  'publish.pending': () => pendingCard({ sessionId: 's_sample', rev: 12, title: '2026年度区财政局党支部书记抓基层党建工作述职报告' }),
  'publish.done': () =>
    doneCard({
      sessionId: 's_sample',
      rev: 12,
      title: '2026年度区财政局党支部书记抓基层党建工作述职报告',
      url: 'https://example.feishu.cn/docx/doxcnSample',
      regenerated: false,
      at: '2026-12-20 15:30',
    }),
  'publish.failed': () =>
    failedCard({
      sessionId: 's_sample',
      rev: 12,
      title: '2026年度区财政局党支部书记抓基层党建工作述职报告',
      reason: '“述职助手”暂无在云文档中创建文档的权限，请联系管理员开通后点击“重试”。',
    }),
};
