// 生成文档 end to end: real redis-server, the fake Open Platform over HTTP (with its documented rate limits),
// real bot instances with the publisher plugged in. A secretary's report becomes one Feishu document whose
// blocks read exactly as the composed report; its link comes back in one result card; regenerating keeps the
// same document; 下载 Word 版 sends the .docx; failures say what happened and 重试 finishes the same publish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake/index.ts';
import { textOfDocument } from '../../src/playground/fake/docx.ts';
import { reportBlocks } from '../../src/publish/blocks.ts';
import { createPublisher, type PublishStep, treeOf } from '../../src/publish/publisher.ts';
import { getSubmission, listSubmissions } from '../../src/publish/submissions.ts';
import { renderText } from '../../src/report/render-text.ts';
import type { Session, WalkAnswers } from '../../src/report/walkthrough.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';

const DOC_BASE = 'https://example.feishu.cn';
let h: Harness;
/** Makes the job fail at a step for one session, `times` times (an error that is not Feishu's: transient). */
const failPlan = new Map<string, { step: PublishStep; times: number }>();

beforeAll(async () => {
  h = await startHarness({
    configure: (base) => ({
      publisher: createPublisher({
        ...base,
        tz: TZ,
        docUrlBase: DOC_BASE,
        retryBackoffMs: 50,
        afterStep: (step, info) => {
          const plan = failPlan.get(info.publishId.replace(/-r\d+$/, ''));
          if (plan && plan.step === step && plan.times > 0) {
            plan.times -= 1;
            throw new Error('simulated failure');
          }
        },
      }),
    }),
  });
});

afterAll(async () => {
  await h?.close();
});

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const store = () => new SessionStore(h.instances[0]!.redis);

function sessionIdOn(card: unknown): string {
  const id = buttons(card)
    .map((b) => b.value.s)
    .find((s) => typeof s === 'string');
  if (typeof id !== 'string') throw new Error('no session id on the card');
  return id;
}

function paragraphs(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}第${i + 1}项工作扎实推进，取得明显成效`);
}

/** Answers for the report: `perSection` paragraphs in each of the seven sub-sections. */
function answersFor(s: Session, unit: string, perSection: number): WalkAnswers {
  return {
    setup: { unit, orgType: '党支部', year: s.year, superior: '区直机关工委' },
    opening: [`${s.year}年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，现将有关情况报告如下`],
    achievements: s.answers.achievements.map((a) => ({ ...a, paragraphs: paragraphs(a.heading.slice(0, 6), perSection) })),
    rectification: [],
    problems: [
      { problem: '党建工作创新不够', analysis: ['工作方法较为传统，与业务工作融合不够紧密'] },
      { problem: '理论学习不够深入', analysis: ['学习形式较为单一，系统性不强'] },
    ],
    plan: { items: ['持续加强理论武装，每月组织一次集中学习', '严格落实组织生活制度'] },
  };
}

/**
 * A secretary whose report is filled in and sits at the preview step: starts the walk-through through the
 * chat, fills the answers into the stored session, and opens it again with 继续. Returns the preview card.
 */
async function secretaryAtPreview(openId: string, unit: string, perSection = 2): Promise<{ chat: string; card: FakeMessage; session: Session }> {
  h.fake.addUser({ openId, name: unit });
  const chat = h.fake.p2pChatOf(openId);
  const cards = () => h.fake.messages(chat).filter((m) => m.msgType === 'interactive');
  const before = cards().length;
  await h.fake.userSendsText({ chatId: chat, openId, text: '写述职报告' });
  const first = await waitFor(() => (cards().length > before ? cards().at(-1) : undefined), 'the setup card');
  const loaded = await store().byId(sessionIdOn(first.content));
  if (!loaded || !('session' in loaded)) throw new Error('no session');
  const next: Session = { ...structuredClone(loaded.session), answers: answersFor(loaded.session, unit, perSection), step: 'preview', rev: loaded.session.rev + 1 };
  expect(await store().save(loaded.key, loaded.session.rev, next)).toBe(true);
  const n = cards().length;
  await h.fake.userSendsText({ chatId: chat, openId, text: '继续' });
  const card = await waitFor(() => (cards().length > n ? cards().at(-1) : undefined), 'the preview card');
  expect(cardText(card.content)).toContain('生成文档');
  return { chat, card, session: next };
}

const resultCards = (chat: string) =>
  h.fake.messages(chat).filter((m) => m.msgType === 'interactive' && /述职报告 · (已生成文档|文档未能生成)/.test(JSON.stringify(m.content)));
const docUrlOf = (m: FakeMessage) => JSON.stringify(h.fake.message(m.messageId)!.content).match(/"default_url":"([^"]+)"/)?.[1];
const docIdOf = (m: FakeMessage) => docUrlOf(m)?.split('/docx/')[1];
const docTexts = (documentId: string) => textOfDocument(h.fake.document(documentId)!);
const expectedTexts = (s: Session) =>
  renderText(treeOf(s)!)
    .split('\n')
    .filter((l) => l !== '')
    .slice(1);
const rateLimited = () => h.fake.calls.filter((c) => c.code === 99991400 || c.status === 429).length;

const FEISHU_APIS = ['docx.', 'drive.', 'im.message.create', 'im.message.patch', 'im.file.create'];
const feishuCalls = () => h.fake.calls.filter((c) => FEISHU_APIS.some((a) => c.api.startsWith(a)));

describe('生成文档 through the fake Feishu', () => {
  const OPEN_ID = 'ou_secretary_li';
  let chat: string;
  let documentId: string;
  let resultMessage: FakeMessage;

  it('answers at once with 生成中, then turns that card into the result with the link to one document that reads as the report', async () => {
    const seeded = await secretaryAtPreview(OPEN_ID, '区审计局', 2);
    chat = seeded.chat;
    const docsBefore = h.fake.documents().length;
    const callsBefore = feishuCalls().length;
    const r = await click(h.fake, seeded.card, OPEN_ID, '生成文档');
    expect(r.errorCode).toBeUndefined();
    expect(r.toast?.content).toBe('正在生成文档…');
    expect(JSON.stringify(h.fake.message(seeded.card.messageId)!.content)).toContain('生成中');

    resultMessage = await waitFor(() => resultCards(chat).at(0), 'the result card');
    await h.fake.whenIdle();
    // The clicked card itself becomes the result card (updated in place, no second message).
    expect(resultMessage.messageId).toBe(seeded.card.messageId);
    expect(cardText(resultMessage.content)).toContain('已生成飞书文档');
    expect(buttons(resultMessage.content).map((b) => b.text)).toEqual(['打开文档', '下载 Word 版', '返回修改']);
    documentId = docIdOf(resultMessage)!;
    expect(docUrlOf(resultMessage)).toBe(`${DOC_BASE}/docx/${documentId}`);

    const doc = h.fake.document(documentId)!;
    const tree = treeOf(seeded.session)!;
    expect(h.fake.documents().length).toBe(docsBefore + 1);
    expect(doc.title).toBe(tree.title);
    expect(docTexts(documentId)).toEqual(expectedTexts(seeded.session));
    expect(doc.permissions).toEqual([{ member_type: 'openid', member_id: OPEN_ID, perm: 'full_access' }]);

    // Feishu calls for the publish: create + ⌈blocks/50⌉ appends + grant + the result card.
    const blocks = reportBlocks(tree).length;
    const calls = feishuCalls().slice(callsBefore);
    expect(calls.filter((c) => c.api === 'docx.document.create')).toHaveLength(1);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(blocks / 50) + 3);
    expect(rateLimited()).toBe(0);
    expect(resultCards(chat)).toHaveLength(1);

    const sub = await getSubmission(h.instances[0]!.redis, seeded.session.tenantKey, OPEN_ID, seeded.session.year);
    expect(sub).toMatchObject({ documentId, url: `${DOC_BASE}/docx/${documentId}` });
  });

  it('someone else cannot use the buttons of the result card', async () => {
    h.fake.addUser({ openId: 'ou_other', name: '王同志' });
    const r = await click(h.fake, resultMessage, 'ou_other', '下载 Word 版');
    expect(r.toast?.content).toContain('其他同志');
    const before = h.fake.messages(chat).length;
    await h.fake.whenIdle();
    expect(h.fake.messages(chat).length).toBe(before);
  });

  it('下载 Word 版 sends the .docx once per click (a double click is one file)', async () => {
    const files = () => h.fake.messages(chat).filter((m) => m.msgType === 'file');
    const [a, b] = await Promise.all([click(h.fake, resultMessage, OPEN_ID, '下载 Word 版'), click(h.fake, resultMessage, OPEN_ID, '下载 Word 版')]);
    expect([a.toast?.content, b.toast?.content].sort()).toEqual(['Word 版正在生成中，请稍候', '正在生成 Word 版，生成后将以文件形式发送给您']);
    const m = await waitFor(() => files().at(0), 'the file message');
    const fileKey = (m.content as { file_key: string }).file_key;
    const f = h.fake.file(fileKey)!;
    expect(f.fileType).toBe('doc');
    expect(f.fileName).toMatch(/^\d{4}年度区审计局党支部书记抓基层党建工作述职报告\.docx$/);
    // A zip (.docx) was uploaded. Its bytes are not compared: the SDK sends a Buffer as a multipart part without a
    // filename, which the fake reads as UTF-8 text (see the report); the .docx itself is checked in
    // test/unit/publish-word.test.ts.
    expect(f.data.subarray(0, 2).toString('latin1')).toBe('PK');
    // The export finished (its in-flight mark is gone): still exactly one file.
    await waitFor(async () => ((await h.instances[0]!.redis.keys('shuzhi:pub:word:*:busy')).length === 0 ? true : undefined), 'the export to finish');
    await h.fake.whenIdle();
    expect(files()).toHaveLength(1);
    // Clicking again later sends the file again (same upload).
    await click(h.fake, resultMessage, OPEN_ID, '下载 Word 版');
    const second = await waitFor(() => files().at(1), 'the second file message');
    expect((second.content as { file_key: string }).file_key).toBe(fileKey);
    expect(h.fake.callsTo('im.file.create').filter((c) => c.status === 200)).toHaveLength(1);
  });

  it('返回修改 → edit → 生成文档 again keeps the SAME document and replaces its content', async () => {
    let r = await click(h.fake, resultMessage, OPEN_ID, '返回修改');
    expect(r.errorCode).toBeUndefined();
    const card = resultMessage;
    // Back on the preview, the card knows the document exists: 更新文档 (same document) and 打开文档.
    const back = buttons(h.fake.message(card.messageId)!.content).map((b) => b.text);
    expect(back).toEqual(expect.arrayContaining(['更新文档', '打开文档']));
    expect(back).not.toContain('生成文档');
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('将更新同一文档，链接不变');
    r = await click(h.fake, card, OPEN_ID, '上一步');
    expect(cardText(h.fake.message(card.messageId)!.content)).toContain('措施');
    r = await click(h.fake, card, OPEN_ID, '添加措施', { para: '建立党建与业务融合的年度项目清单' });
    expect(r.toast?.type ?? 'success').not.toBe('error');
    r = await click(h.fake, card, OPEN_ID, '保存并继续', {});
    const docsBefore = h.fake.documents().length;
    const callsBefore = feishuCalls().length;
    const messagesBefore = h.fake.messages(chat).length;
    r = await click(h.fake, card, OPEN_ID, '生成文档');
    expect(r.toast?.content).toBe('正在生成文档…');

    // The clicked card (the first result card, turned back into the walk-through) now says 生成中, and the new
    // result replaces it in place: no new message.
    expect(JSON.stringify(h.fake.message(card.messageId)!.content)).toContain('生成中');
    const second = await waitFor(
      () => (cardText(h.fake.message(card.messageId)!.content).includes('链接保持不变') ? h.fake.message(card.messageId) : undefined),
      'the second result in the clicked card',
    );
    await h.fake.whenIdle();
    expect(cardText(second.content)).toContain('链接保持不变');
    expect(docIdOf(second)).toBe(documentId);
    expect(h.fake.documents().length).toBe(docsBefore);

    const loaded = await store().byId(sessionIdOn(h.fake.message(card.messageId)!.content));
    if (!loaded || !('session' in loaded)) throw new Error('no session');
    const texts = docTexts(documentId);
    expect(texts).toEqual(expectedTexts(loaded.session));
    expect(texts.join('').split('建立党建与业务融合的年度项目清单').length - 1).toBe(1);
    const calls = feishuCalls().slice(callsBefore);
    expect(calls.map((c) => c.api)).toContain('docx.blockChildren.batchDelete');
    expect(calls.filter((c) => c.api === 'docx.document.create')).toHaveLength(0);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(reportBlocks(treeOf(loaded.session)!).length / 50) + 3);
    expect(h.fake.messages(chat).length).toBe(messagesBefore);
  });

  it('no permission (1770032): says so in plain Chinese; 重试 completes the same publish in the same card', async () => {
    const openId = 'ou_secretary_zhao';
    const seeded = await secretaryAtPreview(openId, '区统计局');
    const docsBefore = h.fake.documents().length;
    h.fake.failNext('docx.document.create', { status: 403, code: 1770032, msg: 'forbidden', times: 1 });
    await click(h.fake, seeded.card, openId, '生成文档');
    const failed = await waitFor(() => resultCards(seeded.chat).at(0), 'the failure card');
    const text = cardText(failed.content);
    expect(text).toContain('文档未能生成');
    expect(text).toContain('权限');
    expect(buttons(failed.content).map((b) => b.text)).toEqual(['重试', '返回修改']);
    expect(h.fake.documents().length).toBe(docsBefore);

    const r = await click(h.fake, failed, openId, '重试');
    expect(r.toast?.content).toBe('正在重新生成文档…');
    await waitFor(() => (JSON.stringify(h.fake.message(failed.messageId)!.content).includes('已生成文档') ? true : undefined), 'the card to show the link');
    await h.fake.whenIdle();
    expect(resultCards(seeded.chat)).toHaveLength(1);
    expect(h.fake.documents().length).toBe(docsBefore + 1);
    expect(docTexts(docIdOf(failed)!)).toEqual(expectedTexts(seeded.session));
  });

  it('a transient failure is retried by the job with backoff: one document, each batch once', async () => {
    const openId = 'ou_secretary_qian';
    const seeded = await secretaryAtPreview(openId, '区水务局', 8);
    const blocks = reportBlocks(treeOf(seeded.session)!).length;
    expect(blocks).toBeGreaterThan(50);
    const createdBefore = h.fake.callsTo('docx.document.create').length;
    failPlan.set(seeded.session.id, { step: 'appended', times: 2 });
    await click(h.fake, seeded.card, openId, '生成文档');
    const done = await waitFor(() => resultCards(seeded.chat).at(0), 'the result card');
    await h.fake.whenIdle();
    expect(cardText(done.content)).toContain('已生成飞书文档');
    expect(failPlan.get(seeded.session.id)!.times).toBe(0);
    expect(h.fake.callsTo('docx.document.create').length - createdBefore).toBe(1);
    const documentId = docIdOf(done)!;
    expect(docTexts(documentId)).toEqual(expectedTexts(seeded.session));
    // Each failure came after a batch was appended and before it was recorded: the batch was sent again with
    // the same client_token, which Feishu answers without applying it twice.
    const appends = h.fake.callsTo('docx.blockChildren.create').filter((c) => c.path.includes(documentId));
    const tokens = appends.map((c) => c.query.client_token);
    expect(new Set(tokens).size).toBe(Math.ceil(blocks / 50));
    expect(appends.length).toBe(Math.ceil(blocks / 50) + 2);
  });

  it('gives up after five tries with the failure card, and 重试 then finishes', async () => {
    const openId = 'ou_secretary_sun';
    const seeded = await secretaryAtPreview(openId, '区商务局');
    failPlan.set(seeded.session.id, { step: 'granted', times: 5 });
    await click(h.fake, seeded.card, openId, '生成文档');
    const failed = await waitFor(() => resultCards(seeded.chat).at(0), 'the failure card');
    expect(cardText(failed.content)).toContain('生成文档时遇到问题');
    expect(failPlan.get(seeded.session.id)!.times).toBe(0);
    await click(h.fake, failed, openId, '重试');
    await waitFor(() => (JSON.stringify(h.fake.message(failed.messageId)!.content).includes('已生成文档') ? true : undefined), 'the link');
    await h.fake.whenIdle();
    expect(h.fake.documents().filter((d) => d.title.includes('区商务局'))).toHaveLength(1);
    expect(docTexts(docIdOf(failed)!)).toEqual(expectedTexts(seeded.session));
    expect(resultCards(seeded.chat)).toHaveLength(1);
    // The user got full access once, although the grant was repeated by the retries.
    expect(h.fake.document(docIdOf(failed)!)!.permissions).toEqual([{ member_type: 'openid', member_id: openId, perm: 'full_access' }]);
  });

  it('ten secretaries at once: all get their document, no request rejected for rate', async () => {
    const seeded = [];
    for (let i = 0; i < 10; i++) seeded.push({ openId: `ou_batch_${i}`, ...(await secretaryAtPreview(`ou_batch_${i}`, `区第${i + 1}党支部所在单位`)) });
    const rejectedBefore = rateLimited();
    await Promise.all(seeded.map((s) => click(h.fake, s.card, s.openId, '生成文档')));
    const results = await Promise.all(seeded.map((s) => waitFor(() => resultCards(s.chat).at(0), `result for ${s.openId}`, 60_000)));
    await h.fake.whenIdle();
    const ids = results.map((m) => docIdOf(m)!);
    expect(new Set(ids).size).toBe(10);
    for (const [i, s] of seeded.entries()) expect(docTexts(ids[i]!)).toEqual(expectedTexts(s.session));
    expect(rateLimited() - rejectedBefore).toBe(0);
    const subs = await listSubmissions(h.instances[0]!.redis, seeded[0]!.session.tenantKey, seeded[0]!.session.year);
    for (const s of seeded) expect(subs.find((x) => x.openId === s.openId)).toBeDefined();
  }, 90_000);
});
