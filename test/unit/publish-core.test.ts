// Publishing, the pure parts: report tree → docx blocks and batches, failure classification, the cards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { doneCard, failedCard, parsePubValue, pendingCard, PUBLISH_SAMPLES } from '../../cards/publish.ts';
import { cardBytes } from '../../cards/parts.ts';
import { FeishuApiError } from '../../src/feishu/errors.ts';
import { checkCard } from '../../src/playground/fake/card-check.ts';
import { batches, batchToken, blockText, reportBlocks } from '../../src/publish/blocks.ts';
import { describePublishFailure, FAILURE_TEXT } from '../../src/publish/failure.ts';
import { composeReport } from '../../src/report/compose.ts';
import { renderText } from '../../src/report/render-text.ts';
import { DUTY_REPORT } from '../../src/report/template.ts';
import { answersSchema, statsSchema } from '../../src/report/types.ts';
import { buttons, cardText } from '../support/cards.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const json = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports/answers-2023.json'), 'utf8'));
const tree = composeReport(DUTY_REPORT, answersSchema.parse(json), statsSchema.parse(json.stats));

function apiError(code: number, o: { httpStatus?: number; retryable?: boolean; terminal?: boolean } = {}): FeishuApiError {
  return new FeishuApiError({
    api: 'docx.document.create',
    code,
    httpStatus: o.httpStatus ?? 400,
    msg: 'x',
    retryable: o.retryable ?? false,
    terminal: o.terminal ?? false,
    attempts: 1,
  });
}

describe('report tree → docx blocks', () => {
  it('gives one block per heading or paragraph, reading exactly as the composed report (title = document title)', () => {
    const blocks = reportBlocks(tree);
    const lines = renderText(tree)
      .split('\n')
      .filter((l) => l !== '');
    expect(lines[0]).toBe(tree.title);
    expect(blocks.map(blockText)).toEqual(lines.slice(1));
  });

  it('makes 一、 headings heading1 blocks, （一） heading2 blocks and paragraphs text blocks', () => {
    const blocks = reportBlocks(tree);
    for (const b of blocks) {
      const text = blockText(b);
      if (/^[一二三四五六七八九十]+、/.test(text)) expect(b).toMatchObject({ block_type: 3, heading1: { elements: [{ text_run: { content: text } }] } });
      else if (/^（[一二三四五六七八九十]+）/.test(text)) expect(b).toMatchObject({ block_type: 4, heading2: {} });
      else expect(b).toMatchObject({ block_type: 2, text: {} });
    }
    expect(blocks.filter((b) => b.block_type === 3)).toHaveLength(3);
  });

  it('splits into batches of at most 50, in order, with one deterministic client token per batch', () => {
    const items = Array.from({ length: 123 }, (_, i) => i);
    const parts = batches(items);
    expect(parts.map((p) => p.length)).toEqual([50, 50, 23]);
    expect(parts.flat()).toEqual(items);
    expect(batches([])).toEqual([]);
    expect(batches(items.slice(0, 50))).toHaveLength(1);
    expect(batchToken('sess-r3', 0)).toBe(batchToken('sess-r3', 0));
    expect(new Set([batchToken('sess-r3', 0), batchToken('sess-r3', 1), batchToken('sess-r4', 0)]).size).toBe(3);
    expect(batchToken('x'.repeat(64) + '-r123456', 99).length).toBeLessThanOrEqual(100);
  });
});

describe('publish failures in plain words', () => {
  it('names permission and folder problems, which are not retried', () => {
    expect(describePublishFailure(apiError(1770032, { terminal: true, httpStatus: 403 }))).toMatchObject({ kind: 'permission', transient: false });
    expect(describePublishFailure(apiError(1770039, { terminal: true }))).toMatchObject({ kind: 'folder_missing', transient: false });
    expect(describePublishFailure(apiError(1770040, { terminal: true }))).toMatchObject({ kind: 'folder_forbidden', transient: false });
    expect(describePublishFailure(apiError(1770032, { terminal: true })).text).toContain('权限');
    expect(describePublishFailure(apiError(1770039, { terminal: true })).text).toContain('文件夹');
  });

  it('reads the current drive permission codes (permission-member create page, 2025-07)', () => {
    // 1063002 no permission (HTTP 403) and 1063004 no share permission: the permission text, not "other".
    expect(describePublishFailure(apiError(1063002, { terminal: true, httpStatus: 403 }))).toMatchObject({ kind: 'permission', transient: false, text: FAILURE_TEXT.permission });
    expect(describePublishFailure(apiError(1063004, { terminal: true }))).toMatchObject({ kind: 'permission' });
    // 1063005 resource deleted: the document is gone; the next try makes a new one.
    expect(describePublishFailure(apiError(1063005, { terminal: true }))).toMatchObject({ kind: 'document_gone', transient: true });
    // 1066001 server busy: the port retries it; when its budget is spent it is an outage, retried by the job.
    expect(describePublishFailure(apiError(1066001, { retryable: true }))).toMatchObject({ kind: 'outage', transient: true });
  });

  it('treats an outage (retry budget spent, 5xx, network) as transient', () => {
    expect(describePublishFailure(apiError(99991400, { retryable: true, httpStatus: 429 }))).toMatchObject({ kind: 'outage', transient: true });
    expect(describePublishFailure(apiError(-1, { httpStatus: 0 }))).toMatchObject({ kind: 'outage', transient: true });
    expect(describePublishFailure(apiError(-1, { httpStatus: 503 }))).toMatchObject({ kind: 'outage', transient: true });
    expect(describePublishFailure(new Error('redis timeout'))).toMatchObject({ kind: 'other', transient: true });
  });

  it('does not retry a request Feishu refuses, and shows its code', () => {
    const f = describePublishFailure(apiError(1770001, { terminal: true }));
    expect(f).toMatchObject({ kind: 'other', transient: false, code: 1770001 });
    expect(f.text).toContain('1770001');
    expect(describePublishFailure(apiError(1770002, { terminal: false, httpStatus: 404 }))).toMatchObject({ kind: 'document_gone', transient: true });
  });

  it('every text is Chinese and ends by saying what to do', () => {
    for (const t of Object.values(FAILURE_TEXT)) {
      expect(t).toMatch(/[\u4e00-\u9fff]/);
      expect(t).toMatch(/重试|联系管理员/);
    }
  });
});

describe('publish cards', () => {
  const ref = { sessionId: 'sess_1', rev: 7, title: '2026年度<at id=all></at>[局](http://x)党支部书记抓基层党建工作述职报告' };

  it('pass the Card JSON 2.0 checker and stay small', () => {
    for (const [name, make] of Object.entries(PUBLISH_SAMPLES)) {
      const c = make();
      const r = checkCard(c);
      expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true);
      expect(cardBytes(c)).toBeLessThan(8 * 1024);
    }
  });

  it('escape the title (user text): no live @all, no link', () => {
    for (const c of [pendingCard(ref), doneCard({ ...ref, url: 'https://e.feishu.cn/docx/d1', regenerated: true, at: '2026-12-20 10:00' }), failedCard({ ...ref, reason: FAILURE_TEXT.outage })]) {
      const text = cardText(c);
      expect(text).not.toContain('<at');
      expect(text).not.toContain('](http');
      expect(text).toContain('&#60;at id&#61;all&#62;');
    }
  });

  it('carry buttons with who/what/which revision; 打开文档 opens the link', () => {
    const done = doneCard({ ...ref, url: 'https://e.feishu.cn/docx/d1', regenerated: false, at: '2026-12-20 10:00' });
    const bs = buttons(done);
    expect(bs.map((b) => b.text)).toEqual(['打开文档', '下载 Word 版', '返回修改']);
    expect(parsePubValue(bs[1]!.value)).toEqual({ k: 'pub', a: 'word', s: 'sess_1', r: 7 });
    expect(parsePubValue(bs[2]!.value)).toEqual({ k: 'pub', a: 'back', s: 'sess_1', r: 7 });
    const open = JSON.stringify(done).match(/"type":"open_url","default_url":"([^"]+)"/);
    expect(open?.[1]).toBe('https://e.feishu.cn/docx/d1');
    expect(buttons(failedCard({ ...ref, reason: 'x' })).map((b) => b.text)).toEqual(['重试', '返回修改']);
    expect(parsePubValue({ k: 'pub', a: 'delete', s: 'x', r: 1 })).toBeNull();
    expect(parsePubValue({ k: 'wt', a: 'retry', s: 'x', r: 1 })).toBeNull();
  });

  it('say 生成中 while generating, and whether the document was updated in place', () => {
    expect(cardText(pendingCard(ref))).toContain('正在生成');
    expect(JSON.stringify(pendingCard(ref))).toContain('生成中');
    expect(cardText(doneCard({ ...ref, url: 'u', regenerated: true, at: 't' }))).toContain('链接保持不变');
    expect(cardText(doneCard({ ...ref, url: 'u', regenerated: false, at: 't' }))).toContain('全部权限');
  });
});
