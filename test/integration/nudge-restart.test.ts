// The bot restarted across a deadline, end to end: real redis-server, the fake Open Platform over HTTP, two bot
// instances that are stopped and started again (harness.restart) while the bot's clock moves on, as after a
// downtime. The bot's clock runs with real time plus a shift, so that a 09:00 nudge falls due a second after it
// is scheduled and goes through BullMQ; each fresh instance runs reconcile() as src/main.ts does at start-up.
// Nothing stale is sent: a nudge more than 2 hours late, or after the deadline, never goes out; after the deadline
// exactly one 已截止 summary goes to the group and the collector's list to the setter, however long the bot was down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadlineFeature, type DeadlineFeature } from '../../src/nudges/feature.ts';
import type { FakeMessage } from '../../src/playground/fake/index.ts';
import { welcomeCard } from '../../src/report/walkthrough.ts';
import { zonedMs } from '../../src/time.ts';
import { cardText } from '../support/cards.ts';
import { type Harness, startHarness, TZ } from '../support/harness.ts';
import { waitFor } from '../support/wait.ts';

const OWNER = 'ou_dept_li';
const A = 'ou_sec_wang';
const B = 'ou_sec_zhao';
const CHAT = 'oc_restart_group';
const CHAT2 = 'oc_restart_group2';

let shift = 0;
const clock = () => Date.now() + shift;
const setClock = (ms: number) => {
  shift = ms - Date.now();
};
const at = (day: string, hour: number, minute = 0) => zonedMs(day, hour, minute, TZ);
const features: DeadlineFeature[] = [];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    instances: 2,
    configure: (base) => {
      const f = createDeadlineFeature({ ...base, tz: TZ, now: clock, openWalkthrough: async () => welcomeCard() });
      features.push(f);
      return { features: [f.feature] };
    },
  });
  h.fake.addUser({ openId: OWNER, name: '李部长' });
  h.fake.addUser({ openId: A, name: '王书记' });
  h.fake.addUser({ openId: B, name: '赵书记' });
  h.fake.addChat({ chatId: CHAT, name: '述职工作群', type: 'group', members: [OWNER, A, B], ownerId: OWNER });
  h.fake.addChat({ chatId: CHAT2, name: '第二党支部', type: 'group', members: [OWNER, A, B], ownerId: OWNER });
});

afterAll(async () => {
  await h?.close();
});


const botCards = (chatId: string): FakeMessage[] => h.fake.messages(chatId).filter((m) => m.msgType === 'interactive' && m.sender.type === 'app');
const groupTexts = (chatId: string) => botCards(chatId).map((m) => cardText(m.content));
const p2pCards = (openId: string) => groupTexts(h.fake.p2pChatOf(openId));
const settle = () => new Promise((r) => setTimeout(r, 1500));

/** Both instances down while the clock moves to `ms`, then up again, each reconciling as at start-up. */
async function downUntil(ms: number): Promise<void> {
  await h.restart(0);
  setClock(ms);
  await h.restart(1);
  await Promise.all(features.slice(-2).map((f) => f.reconcile()));
}

describe('a restart across the deadline', () => {
  it('sends no stale nudge after downtime, and exactly one 已截止 summary with the owner’s list', async () => {
    // Tuesday 4 March 2025, two seconds before 09:00: 李部长 sets the deadline for Friday the 7th.
    setClock(at('2025-03-04', 8, 59) + 58_000);
    await h.fake.userSendsText({ chatId: CHAT, openId: OWNER, text: '截止 3月7日 18:00', mentionBot: true });
    await waitFor(() => groupTexts(CHAT).some((t) => t.includes('述职报告截止时间已设置')), 'the announcement');
    const d = (await features.at(-1)!.get(CHAT))!;
    expect(d.plan.map((p) => p.id)).toEqual(['n20250228', 'n20250304', 'n20250306', 'n20250307', 's20250310']);

    // 09:00: the BullMQ job sends the day's nudge to the group and privately to the two secretaries.
    await waitFor(() => groupTexts(CHAT).some((t) => t.includes('距「2024年度述职报告」截止还有3天（3月7日 周五）· 已完成 0/2')), 'the nudge of the 4th');
    await waitFor(() => p2pCards(A).length === 1 && p2pCards(B).length === 1, 'the private nudges');
    expect(p2pCards(OWNER)).toHaveLength(0); // the setter is not counted

    // Down from Wednesday evening to Tuesday the 11th, 15:00: the nudges of the 6th and the 7th and the summary
    // of Monday the 10th were all missed.
    setClock(at('2025-03-05', 20, 0));
    await downUntil(at('2025-03-11', 15, 0));
    await waitFor(() => groupTexts(CHAT).some((t) => t.includes('已于 2025年3月7日（周五）18:00 截止，共完成 0/2')), 'the summary');
    await waitFor(() => p2pCards(OWNER).some((t) => t.includes('述职报告收取结果')), 'the collector’s list');
    await waitFor(async () => (await features.at(-1)!.get(CHAT))?.state === 'closed', 'the deadline closed');
    await settle();
    const group = groupTexts(CHAT);
    expect(group.filter((t) => t.includes('述职报告截止提醒') || t.includes('述职报告今日截止'))).toHaveLength(1);
    expect(group.join('\n')).not.toMatch(/还有1天|今天 18:00 截止/);
    expect(botCards(CHAT).filter((m) => JSON.stringify(m.content).includes('述职报告已截止'))).toHaveLength(1);
    expect(p2pCards(A)).toHaveLength(1);
    expect(p2pCards(B)).toHaveLength(1);
    const collector = p2pCards(OWNER).filter((t) => t.includes('述职报告收取结果'));
    expect(collector).toHaveLength(1);
    expect(collector[0]).toContain('已提交（内容完整）0/2，填写中 0，未开始 2');

    // Another restart changes nothing.
    const before = h.fake.messages(CHAT).length + h.fake.messages(h.fake.p2pChatOf(OWNER)).length;
    await downUntil(at('2025-03-12', 9, 0));
    await settle();
    expect(h.fake.messages(CHAT).length + h.fake.messages(h.fake.p2pChatOf(OWNER)).length).toBe(before);
  });

  it('back within 2 hours, the missed nudge goes out once; later than that, or after the deadline, never', async () => {
    // Due Tuesday the 18th at 10:00, reminders the day before and on the day (both at 09:00).
    setClock(at('2025-03-12', 10, 0));
    await h.fake.userSendsText({ chatId: CHAT2, openId: OWNER, text: '截止 3月18日 10:00 2023年度述职报告', mentionBot: true });
    await waitFor(() => groupTexts(CHAT2).some((t) => t.includes('述职报告截止时间已设置')), 'the announcement');
    const d = (await features.at(-1)!.get(CHAT2))!;
    expect(d.plan.map((p) => p.id)).toEqual(['n20250311', 'n20250314', 'n20250317', 'n20250318', 's20250319']);
    const nudges = () => groupTexts(CHAT2).filter((t) => t.includes('截止还有') || t.includes('今天 10:00 截止'));

    // Down over the 17th's 09:00, back at 10:30: 90 minutes late, within the grace period.
    setClock(at('2025-03-17', 8, 0));
    await downUntil(at('2025-03-17', 10, 30));
    await waitFor(() => nudges().length === 1, 'the late nudge of the 17th');
    expect(nudges()[0]).toContain('距「2023年度述职报告」截止还有1天');

    // Down over the 18th's 09:00, back at 10:05: the deadline (10:00) has passed — the nudge is never sent.
    setClock(at('2025-03-18', 8, 0));
    await downUntil(at('2025-03-18', 10, 5));
    await settle();
    expect(nudges()).toHaveLength(1);

    // The summary of the 19th, on time, once.
    await downUntil(at('2025-03-19', 9, 0) + 1000);
    await waitFor(() => groupTexts(CHAT2).some((t) => t.includes('已于 2025年3月18日（周二）10:00 截止')), 'the summary');
    await settle();
    expect(groupTexts(CHAT2).filter((t) => t.includes('截止，共完成'))).toHaveLength(1);
    expect(nudges()).toHaveLength(1);
  });
});
