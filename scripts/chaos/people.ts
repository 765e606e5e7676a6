// The simulated people of a chaos run, acting only through the fake Feishu client as a person would: they read
// the card in front of them and do what it asks, retry after an error toast or a card that did not move on, and
// type 继续 when a card seems stuck. Secretaries walk the report and publish it, and log activities by chat
// messages; organization-department staff set a deadline in their group. Every message they send is delivered
// three times (the first push, a copy at once and one 5–25 s later by default); card callbacks are doubled by
// the fake.
import type { FakeFeishu, FakeMessage, PushResult } from '../../src/playground/fake/index.ts';
import { buttons, cardText, click } from '../../test/support/cards.ts';

export { prng } from '../../test/support/prng.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Actors {
  fake: FakeFeishu;
  rng: () => number;
  /** Think time between two actions of one person, ms. */
  thinkMs: readonly [number, number];
  /** When the third delivery of an event comes after the first, ms. */
  lateCopyMs: readonly [number, number];
  /** Later deliveries and other work still running in the background. */
  background: Promise<unknown>[];
  /** Opens when the 09:00 nudges are out: secretaries click 生成文档 only then (so that every one is nudged). */
  gate: Promise<void>;
  /** How long a secretary waits on 生成中 before going back to the preview and publishing again. */
  publishPatienceMs: number;
  /** How long a secretary keeps trying before giving up (a failure of the run). */
  walkBudgetMs: number;
  progress: { clicks: number; published: number; redeliverFailed: number };
  log(line: string): void;
}

const think = (a: Actors) => sleep(a.thinkMs[0] + a.rng() * (a.thinkMs[1] - a.thinkMs[0]));

/** Pushes an event, then delivers it again at once and once more a little later (lateCopyMs). */
export async function sendThrice(a: Actors, push: () => Promise<PushResult>): Promise<PushResult> {
  const r = await push();
  if (!r.eventId) return r;
  const again = () =>
    a.fake.redeliver(r.eventId).catch(() => {
      a.progress.redeliverFailed += 1;
    });
  await again();
  a.background.push(sleep(a.lateCopyMs[0] + a.rng() * (a.lateCopyMs[1] - a.lateCopyMs[0])).then(again));
  return r;
}

async function until<T>(fn: () => T | undefined, ms: number, everyMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

const titleOf = (content: unknown): string => {
  const h = (content as { header?: { title?: { content?: unknown } } } | undefined)?.header?.title?.content;
  return typeof h === 'string' ? h : '';
};

/** The walk-through's own cards (steps, publishing, result), not the nudges or the activity confirmations. */
const WALK_TITLE = /^述职报告 · (第 \d+\/\d+ 步|生成中|正在生成文档|已生成文档|文档未能生成)/;

export interface SecretaryPlan {
  openId: string;
  name: string;
  unit: string;
  opening: string;
  /** One paragraph for each of the seven sub-sections of 主要成绩. */
  sections: string[];
  problems: Array<[string, string]>;
  measures: string[];
  /** The activity messages this secretary sends, in order. */
  activities: string[];
}

export interface SecretaryOutcome {
  openId: string;
  /** The walk-through card the report ended on (its result card). */
  cardId?: string;
  published: boolean;
  clicks: number;
  /** Clicks repeated after an error or a card that did not move on. */
  retries: number;
  /** 继续 typed because a card seemed stuck, and 写述职报告. */
  entryMessages: number;
  /** The message ids of the activity messages sent. */
  activityMessages: Array<{ messageId: string; text: string }>;
  error?: string;
}

/** Every typed answer of a plan (the texts that must each be in the published report exactly once). */
export function typedAnswers(p: SecretaryPlan): string[] {
  return [p.opening, ...p.sections, ...p.problems.flat(), ...p.measures];
}

export async function secretary(a: Actors, p: SecretaryPlan): Promise<SecretaryOutcome> {
  const out: SecretaryOutcome = { openId: p.openId, published: false, clicks: 0, retries: 0, entryMessages: 0, activityMessages: [] };
  const chat = a.fake.p2pChatOf(p.openId);
  const walkCards = () => a.fake.messages(chat).filter((m) => m.sender.type === 'app' && m.msgType === 'interactive' && !m.parentId && WALK_TITLE.test(titleOf(m.content)));

  const logging = (async () => {
    for (const text of p.activities) {
      await sleep(1000 + a.rng() * 6000);
      const r = await sendThrice(a, () => a.fake.userSendsText({ chatId: chat, openId: p.openId, text }));
      if (r.messageId) out.activityMessages.push({ messageId: r.messageId, text });
    }
  })();

  /** Types 写述职报告 (or 继续) and takes the card that comes. */
  const open = async (word: string): Promise<FakeMessage> => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = walkCards().length;
      out.entryMessages += 1;
      await sendThrice(a, () => a.fake.userSendsText({ chatId: chat, openId: p.openId, text: word }));
      // Long enough for Feishu's re-pushes (15 s, then 60 s) of a delivery that failed.
      const m = await until(() => (walkCards().length > before ? walkCards().at(-1) : undefined), 100_000);
      if (m) return m;
      word = '继续';
    }
    throw new Error(`${p.openId}: no walk-through card came after four messages`);
  };

  try {
    await think(a);
    let card = await open('写述职报告');
    let stuck = 0;
    let pendingSince = 0;
    const giveUpAt = Date.now() + a.walkBudgetMs;
    while (Date.now() < giveUpAt) {
      const content = a.fake.message(card.messageId)!.content;
      const title = titleOf(content);
      const text = cardText(content);
      if (title.includes('已生成文档')) {
        out.published = true;
        out.cardId = card.messageId;
        a.progress.published += 1;
        break;
      }
      if (title.includes('生成中') || title.includes('正在生成文档')) {
        if (pendingSince === 0) pendingSince = Date.now();
        if (Date.now() - pendingSince < a.publishPatienceMs) {
          await sleep(500);
          continue;
        }
        // Waited long enough: back to the preview, then 生成文档 again (the same document is updated).
        pendingSince = 0;
        a.log(`${p.openId}: still 生成中 after ${a.publishPatienceMs} ms, going back to publish again`);
        if (!buttons(content).some((b) => b.text === '返回修改')) {
          card = await open('继续');
          continue;
        }
      } else pendingSince = 0;

      let action: [string, Record<string, unknown>];
      const m = /^述职报告 · 第 (\d+)\/(\d+) 步/.exec(title);
      if (title.includes('文档未能生成')) action = ['重试', {}];
      else if (title.includes('生成中') || title.includes('正在生成文档')) action = ['返回修改', {}];
      else if (!m) {
        card = await open('继续');
        continue;
      } else {
        const n = Number(m[1]);
        const total = Number(m[2]);
        if (n === 1) action = ['保存并继续', { unit: p.unit, org: '党支部', sup: '区直机关工委' }];
        else if (n === 2) action = ['保存并继续', { para: p.opening }];
        else if (n === total - 2) {
          const missing = p.problems.find(([problem]) => !text.includes(problem));
          action = missing ? ['添加这个问题', { problem: missing[0], analysis: missing[1] }] : ['保存并继续', {}];
        } else if (n === total - 1) {
          const missing = p.measures.find((x) => !text.includes(x));
          action = missing ? ['添加措施', { para: missing }] : ['保存并继续', {}];
        } else if (n === total) {
          await a.gate;
          action = [buttons(content).some((b) => b.text === '更新文档') ? '更新文档' : '生成文档', {}];
        } else action = ['保存并继续', { para: p.sections[n - 3] ?? '' }];
      }
      const before = JSON.stringify(content);
      let r: Awaited<ReturnType<typeof click>> | undefined;
      try {
        r = await click(a.fake, card, p.openId, action[0], action[1]);
      } catch {
        // The button is not on the card (it changed under us): read it again.
      }
      out.clicks += 1;
      a.progress.clicks += 1;
      const moved = JSON.stringify(a.fake.message(card.messageId)!.content) !== before;
      const failed = !r || r.errorCode !== undefined || r.toast?.type === 'error';
      if (moved && !failed) {
        stuck = 0;
        await think(a);
        continue;
      }
      if (moved) stuck = 0;
      out.retries += 1;
      stuck += 1;
      // A person waits a little after an error, longer each time.
      await sleep(Math.min(8000, 500 * 2 ** Math.min(stuck, 4)) * (0.5 + a.rng()));
      if (stuck >= 4) {
        stuck = 0;
        card = await open('继续');
      }
    }
    if (!out.published) out.error = `${p.openId}: the report was not published`;
  } catch (e) {
    out.error = (e as Error).message;
  }
  await logging;
  return out;
}

export interface GroupPlan {
  chatId: string;
  name: string;
  owner: string;
  /** Members who must submit (secretaries and one who writes nothing), the owner excluded. */
  members: string[];
  /** "@述职助手 截止 12月9日 18:00" (the bot is mentioned by the fake). */
  command: string;
}

export interface OwnerOutcome {
  chatId: string;
  set: boolean;
  commands: number;
  clicks: number;
  /** What the owner did and saw, for a failing run's notes. */
  trace: string[];
  error?: string;
}

const isAnnouncement = (m: FakeMessage) => m.sender.type === 'app' && titleOf(m.content).startsWith('述职报告截止时间已');

/** The group's owner sets the deadline by a message, then confirms it (less than 24 hours away). */
export async function owner(a: Actors, g: GroupPlan): Promise<OwnerOutcome> {
  const out: OwnerOutcome = { chatId: g.chatId, set: false, commands: 0, clicks: 0, trace: [] };
  const t0 = Date.now();
  const trace = (what: string) => out.trace.push(`+${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);
  const announced = () => a.fake.messages(g.chatId).some(isAnnouncement);
  try {
    await think(a);
    for (let attempt = 0; attempt < 4 && !announced(); attempt++) {
      out.commands += 1;
      const r = await sendThrice(a, () => a.fake.userSendsText({ chatId: g.chatId, openId: g.owner, text: g.command, mentionBot: true }));
      trace(`command ${r.messageId} delivered: ${r.status}`);
      const confirm = await until(
        () => a.fake.messages(g.chatId).find((m) => m.parentId === r.messageId && m.sender.type === 'app' && titleOf(m.content) === '请确认截止时间'),
        100_000,
      );
      if (!confirm) {
        trace('no confirmation card');
        continue;
      }
      for (let k = 0; k < 6 && !announced(); k++) {
        await think(a);
        const c = await click(a.fake, confirm, g.owner, '确认发布').catch(() => undefined);
        out.clicks += 1;
        trace(`确认发布: ${c ? `${c.status} ${c.errorCode ?? ''} ${c.toast?.content ?? ''}` : 'no button'}`);
        if (c?.toast?.content.includes('已失效') || c?.toast?.content.includes('已过期')) break;
        if (await until(() => (announced() ? true : undefined), 5000)) break;
        await sleep(1000 * (1 + k) * (0.5 + a.rng()));
      }
    }
    out.set = announced();
    if (!out.set) out.error = `${g.chatId}: the deadline was not announced`;
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}
