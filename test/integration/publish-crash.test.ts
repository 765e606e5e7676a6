// A publish interrupted by the bot going down: after the restart the job completes the SAME document once
// (no second document, no batch appended twice). And the job's guards: an older publish of the same report
// stands down, two publishes never write one document at once, a duplicate job run changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobs } from '../../src/jobs/queue.ts';
import { textOfDocument } from '../../src/playground/fake/docx.ts';
import { reportBlocks } from '../../src/publish/blocks.ts';
import { createPublisher, JOB_PUBLISH, PublishBusy, type PublishStep, treeOf } from '../../src/publish/publisher.ts';
import { PublishStore, publishId, reportKey } from '../../src/publish/store.ts';
import { renderText } from '../../src/report/render-text.ts';
import { newSession, type Session } from '../../src/report/walkthrough.ts';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';

const DOC_BASE = 'https://example.feishu.cn';
let h: Harness;
let generation = 0;
const steps: Array<{ gen: number; step: PublishStep; publishId: string; batch?: number }> = [];
let crashAt: { sid: string; step: PublishStep; batch: number } | null = null;
let onCrash: () => void = () => undefined;

beforeAll(async () => {
  h = await startHarness({
    configure: (base) => {
      const gen = ++generation;
      return {
        publisher: createPublisher({
          ...base,
          tz: TZ,
          docUrlBase: DOC_BASE,
          // Long enough that the retry after the crash runs on the restarted instance.
          retryBackoffMs: 1500,
          afterStep: (step, info) => {
            steps.push({ gen, step, publishId: info.publishId, ...(info.batch === undefined ? {} : { batch: info.batch }) });
            const c = crashAt;
            if (c && info.publishId.startsWith(`${c.sid}-r`) && step === c.step && info.batch === c.batch) {
              crashAt = null;
              onCrash();
              throw new Error('the bot process died here');
            }
          },
        }),
      };
    },
  });
});

afterAll(async () => {
  await h?.close();
});

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function filled(base: Session, unit: string, perSection: number, extra = ''): Session {
  const s = structuredClone(base);
  s.answers.setup = { unit, orgType: '党支部', year: s.year, superior: '区直机关工委' };
  s.answers.opening = [`${s.year}年，我认真履行党建工作第一责任人职责，现将有关情况报告如下`];
  s.answers.achievements = s.answers.achievements.map((a) => ({
    ...a,
    paragraphs: Array.from({ length: perSection }, (_, i) => `${a.heading.slice(0, 6)}第${i + 1}项工作扎实推进${extra}`),
  }));
  s.answers.plan = { items: ['持续加强理论武装', '严格落实组织生活制度'] };
  s.step = 'preview';
  return s;
}

const expectedTexts = (s: Session) =>
  renderText(treeOf(s)!)
    .split('\n')
    .filter((l) => l !== '')
    .slice(1);

describe('the bot killed in the middle of a publish', () => {
  it('after the restart, the job completes the same document once', async () => {
    const openId = 'ou_secretary_zhou';
    h.fake.addUser({ openId, name: '周书记' });
    const chat = h.fake.p2pChatOf(openId);
    await h.fake.userSendsText({ chatId: chat, openId, text: '写述职报告' });
    const setupCard = await waitFor(() => h.fake.messages(chat).find((m) => m.msgType === 'interactive'), 'the setup card');
    const sid = String(buttons(setupCard.content).find((b) => typeof b.value.s === 'string')!.value.s);
    // Fill the stored session (three batches of blocks) and open it again at the preview.
    const { SessionStore } = await import('../../src/store/sessions.ts');
    const sessions = new SessionStore(h.instances[0]!.redis);
    const loaded = await sessions.byId(sid);
    if (!loaded || !('session' in loaded)) throw new Error('no session');
    const session = { ...filled(loaded.session, '区民政局', 15), rev: loaded.session.rev + 1 };
    expect(await sessions.save(loaded.key, loaded.session.rev, session)).toBe(true);
    const blocks = reportBlocks(treeOf(session)!).length;
    expect(Math.ceil(blocks / 50)).toBe(3);
    const n = h.fake.messages(chat).length;
    await h.fake.userSendsText({ chatId: chat, openId, text: '继续' });
    const preview = await waitFor(() => (h.fake.messages(chat).length > n ? h.fake.messages(chat).at(-1) : undefined), 'the preview card');

    // Die after the second batch was appended in Feishu but before that was recorded: the worst moment.
    crashAt = { sid, step: 'appended', batch: 1 };
    const crashed = new Promise<void>((r) => {
      onCrash = r;
    });
    const createsBefore = h.fake.callsTo('docx.document.create').length;
    const r = await click(h.fake, preview, openId, '生成文档');
    expect(r.toast?.content).toBe('正在生成文档…');
    await crashed;
    await h.restart(0);

    const result = await waitFor(
      () => h.fake.messages(chat).find((m) => m.msgType === 'interactive' && cardText(m.content).includes('已生成飞书文档')),
      'the result card',
    );
    await h.fake.whenIdle();
    const documentId = JSON.stringify(result.content).match(/\/docx\/([A-Za-z0-9]+)/)![1]!;
    expect(h.fake.callsTo('docx.document.create').length - createsBefore).toBe(1);
    expect(h.fake.documents().filter((d) => d.title.includes('区民政局'))).toHaveLength(1);
    expect(textOfDocument(h.fake.document(documentId)!)).toEqual(expectedTexts(session));

    // The first process appended batches 0 and 1; the restarted one re-sent batch 1 (same client_token,
    // applied once) and appended batch 2.
    // 生成文档 is itself a saved step of the walk-through: the publish is of the next revision.
    const pid = publishId(sid, session.rev + 1);
    const mine = steps.filter((x) => x.publishId === pid && x.step === 'appended');
    expect(mine.map((x) => [x.gen, x.batch])).toEqual([
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
    ]);
    const appends = h.fake.callsTo('docx.blockChildren.create').filter((c) => c.path.includes(documentId));
    expect(appends.map((c) => c.query.client_token)).toEqual([0, 1, 1, 2].map((i) => `${pid}-b${i}`));
    // One result card for the publish.
    expect(h.fake.messages(chat).filter((m) => m.msgType === 'interactive' && cardText(m.content).includes('已生成飞书文档'))).toHaveLength(1);
  }, 60_000);
});

describe('the publish job guards', () => {
  it('an older publish stands down, a locked report waits, a duplicate run does nothing', async () => {
    const openId = 'ou_secretary_wu';
    h.fake.addUser({ openId, name: '吴书记' });
    const chat = h.fake.p2pChatOf(openId);
    const redis = h.instances[0]!.redis;
    // A publisher whose jobs are not processed by anyone: the test runs them by hand.
    const jobs = createJobs({ redisUrl: h.redis.url, prefix: 'pubtest:bull' });
    const pub = createPublisher({ port: h.instances[0]!.port, redis, jobs, logger: { info() {}, warn() {}, error() {} }, tz: TZ, docUrlBase: DOC_BASE });
    try {
      const base = newSession({ id: 'sess_guards', tenantKey: 'tenant_t', openId, now: Date.UTC(2026, 11, 10), tz: TZ });
      const s5 = { ...filled(base, '区档案馆', 2, '（第五版）'), rev: 5 };
      const s6 = { ...filled(base, '区档案馆', 2, '（第六版）'), rev: 6 };
      await pub.request(s5, { now: Date.UTC(2026, 11, 10), tz: TZ });
      await pub.request(s6, { now: Date.UTC(2026, 11, 10), tz: TZ });
      const queued = await jobs.queue.getJobs(['waiting', 'delayed']);
      expect(queued.map((j) => j.id).sort()).toEqual(['pub-sess_guards-5-0', 'pub-sess_guards-6-0']);

      const docsBefore = h.fake.documents().length;
      await pub.process!(JOB_PUBLISH, { sid: 'sess_guards', rev: 5, round: 0 });
      expect(h.fake.documents().length).toBe(docsBefore);
      expect(h.fake.messages(chat)).toHaveLength(0);
      const store = new PublishStore(redis);
      expect((await store.get('sess_guards', 5))!.status).toBe('superseded');

      // Another job holds the report's lock: this one must wait (BullMQ retries it later).
      const report = reportKey(s6);
      expect(await store.lock(report, 'someone-else')).toBe(true);
      await expect(pub.process!(JOB_PUBLISH, { sid: 'sess_guards', rev: 6, round: 0 })).rejects.toBeInstanceOf(PublishBusy);
      expect(h.fake.documents().length).toBe(docsBefore);
      await store.unlock(report, 'someone-else');

      await pub.process!(JOB_PUBLISH, { sid: 'sess_guards', rev: 6, round: 0 });
      await h.fake.whenIdle();
      expect(h.fake.documents().length).toBe(docsBefore + 1);
      const doc = h.fake.documents().at(-1)!;
      expect(textOfDocument(doc)).toEqual(expectedTexts(s6));
      expect(textOfDocument(doc).join('')).not.toContain('第五版');
      expect(h.fake.messages(chat)).toHaveLength(1);

      // The same job delivered again (a second instance, a stalled-job re-run): nothing more happens.
      const calls = h.fake.calls.length;
      await pub.process!(JOB_PUBLISH, { sid: 'sess_guards', rev: 6, round: 0 });
      await pub.process!(JOB_PUBLISH, { sid: 'sess_guards', rev: 5, round: 0 });
      expect(h.fake.calls.length).toBe(calls);
      expect(h.fake.messages(chat)).toHaveLength(1);
      expect(await store.lock(report, 'next')).toBe(true); // the lock was released
      await store.unlock(report, 'next');

      // 重试 on an older publish's card, after a newer one was made, does not put the older content back.
      await store.update('sess_guards', 5, { status: 'failed' });
      const jobsBefore = (await jobs.queue.getJobs(['waiting', 'delayed'])).length;
      const click = (r: number) =>
        pub.onAction!({ type: 'card_action', eventId: `ev_${r}`, tenantKey: 'tenant_t', operatorOpenId: openId, value: { k: 'pub', a: 'retry', s: 'sess_guards', r } });
      expect((await click(5)).toast?.content).toContain('更新的版本');
      expect((await store.get('sess_guards', 5))!.status).toBe('failed');
      expect((await jobs.queue.getJobs(['waiting', 'delayed'])).length).toBe(jobsBefore);
      // …and 重试 on a finished publish starts nothing either.
      expect((await click(6)).toast?.content).toBe('文档已生成');
      expect((await jobs.queue.getJobs(['waiting', 'delayed'])).length).toBe(jobsBefore);
    } finally {
      await jobs.queue.obliterate({ force: true });
      await jobs.close();
    }
  });
});
