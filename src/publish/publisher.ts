// The publishing feature: 生成文档 → a Feishu document (same document on every regeneration), its link sent back
// as one result card per publish, the report marked submitted for the year; 下载 Word 版 → a .docx file message.
//
// Idempotency, step by step (a job may be re-run at any point: retry, crash, a second instance):
// - one BullMQ job per publish round, id pub-{session}-{rev}-{round};
// - one lock per report, so two publishes never write the same document at once; a publish that is no longer
//   the latest request for the report stands down;
// - the report's document id is stored as soon as it is created, and reused by every later publish;
// - writing a document is recorded in progress:{doc} (which publish, cleared?, next batch): a re-run resumes
//   where the last one got to, and every Feishu write carries a client_token derived from the publish id and
//   the batch index, so a write whose answer was lost is not applied twice;
// - the result card is sent once per publish (deterministic uuid) and patched afterwards.
import type { Redis } from 'ioredis';
import type { CallbackAnswer } from '../feishu/edge.ts';
import { FeishuApiError, type FeishuPort } from '../feishu/port.ts';
import { type Jobs, safeJobId } from '../jobs/queue.ts';
import type { BotLogger } from '../bot/index.ts';
import type { CardActionEvent, Publisher } from '../bot/feature.ts';
import { composeReport } from '../report/compose.ts';
import { isReportComplete } from '../report/completeness.ts';
import { DUTY_REPORT } from '../report/template.ts';
import { renderCard, type Session, toReportAnswers } from '../report/walkthrough.ts';
import type { ReportTree } from '../report/types.ts';
import { SessionStore } from '../store/sessions.ts';
import { doneCard, failedCard, parsePubValue, pendingCard, type PublishRef } from '../../cards/publish.ts';
import { batches, batchToken, reportBlocks } from './blocks.ts';
import { describePublishFailure, FAILURE_TEXT } from './failure.ts';
import { type PublishState, PublishStore, publishId, reportKey, shortId } from './store.ts';
import { getSubmission, markSubmitted } from './submissions.ts';
import { renderWord, wordFileName } from './word.ts';

export const JOB_PUBLISH = 'publish';
export const JOB_WORD = 'publish-word';
/** Job runs per round before the failure card is shown (transient failures only; the rest fail at once). */
export const MAX_TRIES = 5;
/** Where links point when FEISHU_DOC_URL_BASE is not set. */
export const DEFAULT_DOC_URL_BASE = 'https://feishu.cn';

export const PUB_TEXT = {
  toastStart: '正在生成文档…',
  toastRetry: '正在重新生成文档…',
  toastWord: '正在生成 Word 版，生成后将以文件形式发送给您',
  busy: '文档正在生成中，请稍候',
  outdated: '您已生成过更新的版本，请在最新的卡片上操作',
  wordBusy: 'Word 版正在生成中，请稍候',
  done: '文档已生成',
  foreign: '这是其他同志的述职报告，您无法操作',
  missing: '没有找到这次生成的记录，可能已过期。请发送“写述职报告”，在预览页重新生成文档。',
  badFormat: '操作格式不正确，请在最新的卡片上操作',
  noAnswers: '请先填写基本信息，再生成文档',
  wordFailed: 'Word 版未能生成，请稍后在文档卡片上再次点击“下载 Word 版”。',
} as const;

/** A point in the job where tests can stop it, as if the process died there. */
export type PublishStep = 'created' | 'cleared' | 'appended' | 'granted';

export interface PublisherDeps {
  port: FeishuPort;
  redis: Redis;
  jobs: Jobs;
  logger: BotLogger;
  tz: string;
  /** FEISHU_DOC_URL_BASE, e.g. https://example.feishu.cn (no trailing slash). */
  docUrlBase?: string;
  /** FEISHU_FOLDER_TOKEN: where documents are created (the app's root space when absent). */
  folderToken?: string;
  now?: () => number;
  /** Job retries (BullMQ backoff, exponential from this delay). Default 3000 ms. */
  retryBackoffMs?: number;
  /** Test seam: called after each Feishu write, before it is recorded; a throw here is a crash at that point. */
  afterStep?: (step: PublishStep, info: { publishId: string; documentId: string; batch?: number }) => Promise<void> | void;
}

interface PublishJob {
  sid: string;
  rev: number;
  round: number;
}
interface WordJob {
  sid: string;
  rev: number;
  n: number;
}

const toast = (type: 'info' | 'success' | 'error' | 'warning', content: string) => ({ type, content });

function isPublishJob(d: unknown): d is PublishJob {
  const x = d as PublishJob;
  return !!x && typeof x.sid === 'string' && Number.isInteger(x.rev) && Number.isInteger(x.round);
}
function isWordJob(d: unknown): d is WordJob {
  const x = d as WordJob;
  return !!x && typeof x.sid === 'string' && Number.isInteger(x.rev) && Number.isInteger(x.n);
}

/** The report tree of a session snapshot (null when setup is incomplete). */
export function treeOf(s: Session): ReportTree | null {
  const answers = toReportAnswers(s);
  return answers ? composeReport(DUTY_REPORT, answers, s.stats) : null;
}

function formatTime(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Another publish of the same report holds the lock: the job is retried later (BullMQ backoff). */
export class PublishBusy extends Error {}

export function createPublisher(deps: PublisherDeps): Publisher {
  const now = deps.now ?? Date.now;
  const store = new PublishStore(deps.redis);
  const sessions = new SessionStore(deps.redis);
  const base = (deps.docUrlBase ?? DEFAULT_DOC_URL_BASE).replace(/\/+$/, '');
  const backoffMs = deps.retryBackoffMs ?? 3000;
  const docUrl = (documentId: string) => `${base}/docx/${documentId}`;

  const refOf = (s: Session, title?: string): PublishRef => ({
    sessionId: s.id,
    rev: s.rev,
    title: title ?? treeOf(s)?.title ?? '述职报告',
  });

  /** See enqueuePublish: the edge's answer deadline (src/feishu/edge.ts, deadlineMs default). */
  const CALLBACK_SETTLE_MS = 2000;

  /** `settle`: the job will PATCH the card that was just answered to a click (see below). */
  async function enqueuePublish(sid: string, rev: number, round: number, settle: boolean): Promise<void> {
    const data: PublishJob = { sid, rev, round };
    // attempts > MAX_TRIES: the job itself decides when to give up and show the failure card.
    await deps.jobs.enqueue(JOB_PUBLISH, data, {
      jobId: safeJobId('pub', sid, rev, round),
      attempts: MAX_TRIES + 3,
      backoffMs,
      // The click's answer (the 生成中 card) is what the job later PATCHes into the result. Feishu: update a card
      // only after the callback has been answered, else the answer may land on top of the result. The edge
      // answers within its 2 s deadline; the job waits that long.
      ...(settle ? { delayMs: CALLBACK_SETTLE_MS } : {}),
    });
  }

  // --- the result card: one message per publish, patched afterwards ----------------------------------

  async function showResult(st: PublishState, kind: 'done' | 'failed', card: object): Promise<void> {
    if (st.messageId) {
      try {
        await deps.port.patchCard(st.messageId, card);
        return;
      } catch (err) {
        // The result card can no longer be updated (recalled, older than 14 days…): send a new one.
        if (!(err instanceof FeishuApiError) || !err.terminal) throw err;
        delete st.messageId;
        delete st.sentKind;
        await store.update(st.sessionId, st.rev, { messageId: '', sentKind: '' });
        const sent = await deps.port.sendMessage({
          receiveIdType: 'open_id',
          receiveId: st.session.openId,
          msgType: 'interactive',
          content: card,
          uuid: shortId('pr', st.sessionId, st.rev, st.round, 'again'),
        });
        await store.update(st.sessionId, st.rev, { messageId: sent.messageId, sentKind: kind });
        st.messageId = sent.messageId;
        return;
      }
    }
    const previousKind = st.sentKind;
    await store.update(st.sessionId, st.rev, { sentKind: kind });
    const sent = await deps.port.sendMessage({
      receiveIdType: 'open_id',
      receiveId: st.session.openId,
      msgType: 'interactive',
      content: card,
      uuid: shortId('pr', st.sessionId, st.rev),
    });
    await store.update(st.sessionId, st.rev, { messageId: sent.messageId });
    st.messageId = sent.messageId;
    // A send whose id was never recorded (crash) answers the earlier message for the same uuid: bring it up to date.
    if (previousKind && previousKind !== kind) await deps.port.patchCard(sent.messageId, card);
  }

  // --- writing the document -------------------------------------------------------------------------

  async function writeDocument(st: PublishState, tree: ReportTree): Promise<{ documentId: string; regenerated: boolean }> {
    const s = st.session;
    const report = reportKey(s);
    const pid = publishId(s.id, s.rev);
    const parts = batches(reportBlocks(tree));
    const step = async (name: PublishStep, documentId: string, batch?: number) => {
      if (deps.afterStep) await deps.afterStep(name, { publishId: pid, documentId, ...(batch === undefined ? {} : { batch }) });
    };

    let doc = await store.doc(report);
    let progress: { cleared: boolean; next: number };
    if (!doc) {
      const created = await deps.port.createDocument({
        title: tree.title,
        ...(deps.folderToken ? { folderToken: deps.folderToken } : {}),
      });
      await step('created', created.documentId);
      doc = { documentId: created.documentId, title: tree.title, createdBy: pid };
      await store.setDoc(report, doc);
      // A new document is empty: nothing to clear.
      progress = { cleared: true, next: 0 };
      await store.setProgress(doc.documentId, { publishId: pid, ...progress });
    } else {
      const p = await store.progress(doc.documentId);
      if (p && p.publishId === pid) progress = p;
      else {
        progress = { cleared: false, next: 0 };
        await store.setProgress(doc.documentId, { publishId: pid, ...progress });
      }
    }
    const documentId = doc.documentId;

    try {
      if (!progress.cleared) {
        const children = await deps.port.listChildren({ documentId });
        if (children.length > 0) {
          await deps.port.deleteChildren({
            documentId,
            startIndex: 0,
            endIndex: children.length,
            clientToken: `${pid}-del`,
          });
        }
        await step('cleared', documentId);
        await store.setProgress(documentId, { cleared: true });
      }
      for (let i = progress.next; i < parts.length; i++) {
        await deps.port.appendBlocks({ documentId, children: parts[i]!, clientToken: batchToken(pid, i) });
        await step('appended', documentId, i);
        await store.setProgress(documentId, { next: i + 1 });
      }
      if (doc.granted !== s.openId) {
        await deps.port.grantPermission({ token: documentId, type: 'docx', openId: s.openId, perm: 'full_access' });
        await step('granted', documentId);
        await store.setDoc(report, { documentId, granted: s.openId });
      }
    } catch (err) {
      const f = describePublishFailure(err);
      // The document was deleted in Feishu: forget it; the next try creates a new one.
      if (f.kind === 'document_gone') await store.forgetDoc(report, documentId);
      throw err;
    }
    // "Regenerated" = the document existed before this publish (a re-run of the publish that created it is not).
    return { documentId, regenerated: doc.createdBy !== pid };
  }

  async function runPublish(job: PublishJob): Promise<void> {
    const st = await store.get(job.sid, job.rev);
    // Stale jobs (an older round, or a publish already finished) do nothing.
    if (!st || st.round !== job.round || st.status !== 'pending') return;
    const s = st.session;
    const report = reportKey(s);
    const pid = publishId(s.id, s.rev);
    const tree = treeOf(s);
    if (!tree) {
      await fail(st, FAILURE_TEXT.other, 'no-answers');
      return;
    }
    if ((await store.latest(report)) !== pid) {
      // A newer publish of the same report was requested: it writes the document and sends its own card.
      await store.update(s.id, s.rev, { status: 'superseded' });
      deps.logger.info({ publishId: pid }, 'publish superseded by a newer one');
      return;
    }
    if (!(await store.lock(report, pid))) throw new PublishBusy(`report ${report} is being published by another job`);
    try {
      const tries = await store.countTry(s.id, s.rev);
      let result: { documentId: string; regenerated: boolean };
      try {
        result = await writeDocument(st, tree);
      } catch (err) {
        const f = describePublishFailure(err);
        deps.logger.warn(
          { publishId: pid, tries, kind: f.kind, code: f.code, err: err instanceof Error ? err.message : String(err) },
          'publish attempt failed',
        );
        if (f.transient && tries < MAX_TRIES) throw err;
        await fail(st, f.text, f.kind);
        return;
      }
      const url = docUrl(result.documentId);
      const at = now();
      const complete = isReportComplete(tree, DUTY_REPORT);
      await markSubmitted(deps.redis, s.tenantKey, s.openId, s.year, { at, url, documentId: result.documentId, complete });
      await store.update(s.id, s.rev, { documentId: result.documentId, url });
      await showResult(
        st,
        'done',
        doneCard({ ...refOf(s, tree.title), url, regenerated: result.regenerated, at: formatTime(at, deps.tz) }),
      );
      await store.update(s.id, s.rev, { status: 'done' });
      deps.logger.info({ publishId: pid, documentId: result.documentId }, 'report published');
    } finally {
      await store.unlock(report, pid).catch(() => undefined);
    }
  }

  async function fail(st: PublishState, reason: string, kind: string): Promise<void> {
    await store.update(st.sessionId, st.rev, { reason });
    try {
      await showResult(st, 'failed', failedCard({ ...refOf(st.session), reason }));
    } catch (err) {
      // Feishu is down for the card too: the user still has the 生成中 card (返回修改 → 生成文档 starts over).
      deps.logger.error({ publishId: publishId(st.sessionId, st.rev), err: err instanceof Error ? err.message : String(err) }, 'could not show the publish failure');
    }
    await store.update(st.sessionId, st.rev, { status: 'failed' });
    deps.logger.warn({ publishId: publishId(st.sessionId, st.rev), kind }, 'publish failed');
  }

  // --- Word export ------------------------------------------------------------------------------------

  async function runWord(job: WordJob): Promise<void> {
    const st = await store.get(job.sid, job.rev);
    if (!st) {
      await store.endWord(job.sid, job.rev);
      return;
    }
    const s = st.session;
    const tries = await store.countWordTry(job.sid, job.rev, job.n);
    try {
      const tree = treeOf(s);
      if (!tree) throw new Error('the report has no setup');
      let fileKey = await store.wordFile(job.sid, job.rev);
      if (!fileKey) {
        const data = await renderWord(tree);
        fileKey = (await deps.port.uploadFile({ fileName: wordFileName(tree.title), fileType: 'doc', data })).fileKey;
        await store.setWordFile(job.sid, job.rev, fileKey);
      }
      await deps.port.sendMessage({
        receiveIdType: 'open_id',
        receiveId: s.openId,
        msgType: 'file',
        content: { file_key: fileKey },
        uuid: shortId('pw', job.sid, job.rev, job.n),
      });
    } catch (err) {
      const f = describePublishFailure(err);
      deps.logger.warn({ sid: job.sid, rev: job.rev, tries, kind: f.kind, code: f.code }, 'word export failed');
      if (f.transient && tries < MAX_TRIES) throw err;
      await deps.port
        .sendMessage({
          receiveIdType: 'open_id',
          receiveId: s.openId,
          msgType: 'text',
          content: { text: PUB_TEXT.wordFailed },
          uuid: shortId('pwf', job.sid, job.rev, job.n),
        })
        .catch(() => undefined);
    }
    await store.endWord(job.sid, job.rev);
  }

  // --- card actions -----------------------------------------------------------------------------------

  async function onAction(ev: CardActionEvent): Promise<CallbackAnswer> {
    const v = parsePubValue(ev.value);
    if (!v) return { toast: toast('warning', PUB_TEXT.badFormat) };
    const st = await store.get(v.s, v.r);
    if (!st) return { toast: toast('warning', PUB_TEXT.missing) };
    if (st.session.openId !== ev.operatorOpenId) return { toast: toast('warning', PUB_TEXT.foreign) };
    const s = st.session;
    switch (v.a) {
      case 'retry': {
        // A newer publish of the report was requested since: retrying this one would put older content back.
        const latest = await store.latest(reportKey(s));
        if (latest !== null && latest !== publishId(s.id, s.rev)) return { toast: toast('warning', PUB_TEXT.outdated) };
        const round = await store.retry(v.s, v.r);
        if (round === null) {
          if (st.status === 'done' && st.url) {
            return { toast: toast('info', PUB_TEXT.done) };
          }
          return { toast: toast('info', PUB_TEXT.busy) };
        }
        await enqueuePublish(v.s, v.r, round, true);
        return { toast: toast('info', PUB_TEXT.toastRetry), card: { type: 'raw', data: pendingCard(refOf(s)) } };
      }
      case 'word': {
        const n = await store.startWord(v.s, v.r);
        if (n === null) return { toast: toast('info', PUB_TEXT.wordBusy) };
        const data: WordJob = { sid: v.s, rev: v.r, n };
        await deps.jobs.enqueue(JOB_WORD, data, { jobId: safeJobId('pubword', v.s, v.r, n), attempts: MAX_TRIES + 3, backoffMs });
        return { toast: toast('info', PUB_TEXT.toastWord) };
      }
      case 'back': {
        const loaded = await sessions.byId(v.s);
        if (!loaded || !('session' in loaded)) return { toast: toast('warning', PUB_TEXT.missing) };
        const s = loaded.session;
        const sub = await getSubmission(deps.redis, s.tenantKey, s.openId, s.answers.setup.year ?? s.year);
        const card = renderCard(s, {
          now: now(),
          tz: deps.tz,
          operatorOpenId: ev.operatorOpenId,
          ...(sub ? { published: { url: sub.url, at: sub.at } } : {}),
        });
        return { card: { type: 'raw', data: card } };
      }
    }
  }

  return {
    name: 'publish',
    actionKinds: ['pub'],
    jobNames: [JOB_PUBLISH, JOB_WORD],
    onAction,

    async request(session, ctx) {
      const tree = treeOf(session);
      if (!tree) {
        return { card: renderCard(session, { now: ctx.now, tz: ctx.tz, operatorOpenId: session.openId }), toast: toast('warning', PUB_TEXT.noAnswers) };
      }
      // The clicked card (now 生成中) becomes the result card, updated in place as the flow has it.
      const ahead = await store.create(session, ctx.now, ctx.messageId);
      await enqueuePublish(session.id, session.rev, 0, ctx.messageId !== undefined);
      return { card: pendingCard(refOf(session, tree.title), { ahead }), toast: toast('info', PUB_TEXT.toastStart) };
    },

    async process(name, data) {
      if (name === JOB_PUBLISH) {
        if (!isPublishJob(data)) throw new Error('bad publish job data');
        await runPublish(data);
        return;
      }
      if (name === JOB_WORD) {
        if (!isWordJob(data)) throw new Error('bad word job data');
        await runWord(data);
        return;
      }
      throw new Error(`unknown job ${name}`);
    },
  };
}
