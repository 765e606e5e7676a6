// The announcement of a confirmed deadline is durable: when Feishu refuses it at the moment of the click, its job
// (recorded before it was tried) sends it a little later (15 s; 2 s here), once. And 确认发布 clicked again while the first click is still being handled (Feishu slow to take the announcement: the
// first answer comes too late, the client shows an error, the admin clicks again), and that click delivered twice:
// the second answers as the first will (截止时间已设置), and the group gets one announcement. Found by the chaos
// run (scripts/chaos): the second click used to say "此确认已失效，请重新操作", and the admin who then typed the same
// deadline again got a second announcement (已调整) in the group.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Jobs } from '../../src/jobs/queue.ts';
import { createDeadlineFeature, NUDGE_JOB, nudgeJobId } from '../../src/nudges/feature.ts';
import { welcomeCard } from '../../src/report/walkthrough.ts';
import { zonedMs } from '../../src/time.ts';
import { cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';
import { waitFor } from '../support/wait.ts';

const OWNER = 'ou_dept_owner';
const CHAT = 'oc_confirm_race';
const CHAT2 = 'oc_confirm_refused';
const CHAT3 = 'oc_confirm_cut_off';
/** When set, recording a nudge job fails once (Redis gone between the save and the jobs). */
let failNudgeJob = false;
const features: Array<ReturnType<typeof createDeadlineFeature>> = [];
let h: Harness;
let shift = 0;
const clock = () => Date.now() + shift;

beforeAll(async () => {
  // 08:59 on a Wednesday: a deadline at 18:00 the same day asks for confirmation.
  shift = zonedMs('2026-12-09', 8, 59, TZ) - Date.now();
  h = await startHarness({
    instances: 2,
    configure: (base) => {
      const jobs: Jobs = {
        ...base.jobs,
        async enqueue(name, data, o) {
          if (name === NUDGE_JOB && failNudgeJob) {
            failNudgeJob = false;
            throw new Error('Connection is closed.');
          }
          return base.jobs.enqueue(name, data, o);
        },
      };
      const f = createDeadlineFeature({ ...base, jobs, tz: TZ, now: clock, announceRetryMs: 2000, openWalkthrough: async () => welcomeCard() });
      features.push(f);
      return { features: [f.feature] };
    },
  });
  for (const id of [OWNER, 'ou_member_a', 'ou_member_b']) h.fake.addUser({ openId: id, name: id });
  h.fake.addChat({ chatId: CHAT, name: '述职工作群', type: 'group', members: [OWNER, 'ou_member_a', 'ou_member_b'], ownerId: OWNER });
  h.fake.addChat({ chatId: CHAT2, name: '第二支部群', type: 'group', members: [OWNER, 'ou_member_a'], ownerId: OWNER });
  h.fake.addChat({ chatId: CHAT3, name: '第三支部群', type: 'group', members: [OWNER, 'ou_member_b'], ownerId: OWNER });
});

afterAll(async () => {
  await h?.close();
});

const announcements = (chat = CHAT) => h.fake.messages(chat).filter((m) => m.sender.type === 'app' && m.msgType === 'interactive' && cardText(m.content).includes('述职报告截止时间已'));

it('a second 确认发布 during a slow first one: the same success, one announcement', async () => {
  h.fake.duplicateCallbacks(1);
  const r = await h.fake.userSendsText({ chatId: CHAT, openId: OWNER, text: '截止 12月9日 18:00', mentionBot: true });
  const ask = await waitFor(() => h.fake.messages(CHAT).find((m) => m.parentId === r.messageId), 'the confirmation card');
  expect(cardText(ask.content)).toContain('请确认截止时间');
  const asked = ask.content;
  // The announcement takes 4 s: the first click outlives the edge's deadline and is answered 正在处理.
  h.fake.slowNext('im.message.create', 4000, 1);
  const first = await click(h.fake, ask, OWNER, '确认发布');
  expect(first.toast?.content).toContain('正在处理');
  await new Promise((res) => setTimeout(res, 500));
  const second = await click(h.fake, ask, OWNER, '确认发布', {}, asked);
  expect(second.toast).toEqual({ type: 'success', content: '截止时间已设置，通知已发送至群内。' });
  await waitFor(() => announcements().length > 0 || undefined, 'the announcement', 15_000);
  await h.fake.whenIdle();
  // Later still, once the first has finished: the same answer.
  const third = await click(h.fake, ask, OWNER, '确认发布', {}, asked);
  expect(third.toast?.type).toBe('success');
  await h.fake.whenIdle();
  expect(announcements()).toHaveLength(1);
}, 60_000);

it('an announcement Feishu refused at the click goes out from its job, once', async () => {
  h.fake.duplicateCallbacks(0);
  const r = await h.fake.userSendsText({ chatId: CHAT2, openId: OWNER, text: '截止 12月9日 17:00', mentionBot: true });
  const ask = await waitFor(() => h.fake.messages(CHAT2).find((m) => m.parentId === r.messageId), 'the confirmation card');
  // An answer the bot cannot retry (not a known code): the inline send gives up.
  h.fake.failNext('im.message.create', { status: 400, code: 1234567, msg: 'refused for the test' });
  const ok = await click(h.fake, ask, OWNER, '确认发布');
  expect(ok.toast?.type).toBe('success');
  expect(announcements(CHAT2)).toHaveLength(0);
  await waitFor(() => announcements(CHAT2).length > 0 || undefined, 'the announcement from its job', 30_000);
  await new Promise((res) => setTimeout(res, 1000));
  expect(announcements(CHAT2)).toHaveLength(1);
}, 60_000);

it('a confirmation cut off after the save (its nudge jobs never recorded): the announcement job adds them and announces', async () => {
  const r = await h.fake.userSendsText({ chatId: CHAT3, openId: OWNER, text: '截止 12月9日 16:00', mentionBot: true });
  const ask = await waitFor(() => h.fake.messages(CHAT3).find((m) => m.parentId === r.messageId), 'the confirmation card');
  failNudgeJob = true;
  const failed = await click(h.fake, ask, OWNER, '确认发布');
  expect(failed.toast?.type).toBe('error');
  const d = (await features[0]!.get(CHAT3))!;
  expect(d.state).toBe('active');
  const summary = d.plan.at(-1)!;
  expect(await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d.id, summary.id))).toBeUndefined();
  expect(announcements(CHAT3)).toHaveLength(0);
  await waitFor(() => announcements(CHAT3).length > 0 || undefined, 'the announcement from its job', 30_000);
  expect((await h.instances[0]!.jobs.queue.getJob(nudgeJobId(d.id, summary.id)))?.name).toBe(NUDGE_JOB);
  expect(announcements(CHAT3)).toHaveLength(1);
}, 60_000);
