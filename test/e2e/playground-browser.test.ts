// The playground in a real browser (Debian's chromium through playwright-core) against the real stack as
// `npm start` wires it (startStack: private redis-server, the embedded fake Open Platform, the bot, one
// server): a secretary writes a whole report through the cards. Screenshots go to test/artifacts/.
//
// Then the features wired in startStack: 生成文档 (a BullMQ job writes the document, a result card links to
// it, the document page reads as the composed report), the activity log (log, confirm, 统计), and, as the
// group owner, a deadline set through the card form with the progress card; finally the fake clock jumps to
// the first reminder day and the group reminder arrives (main replays reminders on clock jumps).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_FIELDS } from '../../cards/deadline.ts';
import { galleryCards } from '../../cards/gallery.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Stack, startStack } from '../../src/main.ts';
import { DEMO_GROUP, DEMO_USERS } from '../../src/playground/index.ts';
import { treeOf } from '../../src/publish/publisher.ts';
import { createFastRedis, waitReady } from '../../src/store/redis.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`SKIPPED the playground browser test: ${CHROMIUM} is missing (apt-get install chromium)\n`);
}

const SECTION_TEXT: Record<string, string> = {
  duty: '我坚持把党建工作摆在突出位置，全年主持召开支委会12次、党员大会4次，带头讲党课2次，严格落实“三会一课”制度',
  study: '坚持每月开展集中学习，组织党员赴红色教育基地开展实景教学，引导党员干部学深悟透党的创新理论',
  organization: '严格执行民主集中制，按程序开展民主评议党员工作，全年发展党员2名',
  conduct: '深入开展作风建设专项行动，建立整改清单，办事时限平均压缩三分之一',
  integrity: '认真落实“一岗双责”，组织观看警示教育片，开展廉政谈话',
  rules: '修订完善《党支部工作规则》等制度5项，坚持党务公开',
  service: '一是深化“双报到”，组织党员到社区开展志愿服务；二是结对帮扶村集体经济发展',
};
const opening = (year: string) =>
  `${year}年，在区直机关工委的坚强领导下，我认真履行党建工作第一责任人职责，坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大和二十届三中全会精神，紧紧围绕局中心工作，推动机关党建工作提质增效。现将有关情况报告如下`;

let redis: TestRedis;
let stack: Stack;
let config: Config;
let context: BrowserContext;
let page: Page;
let userDataDir: string;

/** Saves a screenshot; toasts are cleared first unless the screen is about one. */
async function shot(name: string, p: Page = page, o: { toasts?: boolean } = {}): Promise<void> {
  if (!o.toasts) await p.evaluate(() => document.getElementById('toasts')?.replaceChildren());
  await p.screenshot({ path: join(ARTIFACTS, `playground-${name}.png`) });
}

/** The message holding the walk-through card (the welcome card, replaced in place step by step). */
function cardMessage(p: Page, id: string): Locator {
  return p.locator(`.msg[data-message-id="${id}"]`);
}

/**
 * Clicks a button on the card and waits until the card is drawn again (updated in place). Waiting for some
 * text instead would be fooled by the guide texts, which quote example answers.
 */
async function clickAndWaitForUpdate(card: Locator, button: string): Promise<void> {
  const before = await card.locator('.card').elementHandle();
  await card.locator('button', { hasText: button }).click();
  await card.page().waitForFunction((el) => !el?.isConnected, before);
}

async function waitForTitle(card: Locator, text: string): Promise<void> {
  await card.locator('.card-title', { hasText: text }).waitFor();
}

/** The bot's card messages in the open chat whose title contains `title`. */
function botCards(p: Page, title: string): Locator {
  return p.locator('.msg-in', { has: p.locator('.card-title', { hasText: title }) });
}

/** The text of a message's card, whitespace collapsed. */
async function cardText(msg: Locator): Promise<string> {
  return ((await msg.locator('.card').textContent()) ?? '').replace(/\s+/g, ' ');
}

/** Opens a chat of the current identity from the chat list and waits until it is the open one. */
async function openChat(chatId: string): Promise<void> {
  await page.locator(`.chat-item[data-chat="${chatId}"]`).click();
  await page.locator(`.chat-item.active[data-chat="${chatId}"]`).waitFor();
}

/**
 * Switches the page to a demo identity with one of its chats open. Switching identity opens the chat of the
 * same kind (p2p or group) as the open one, so that kind is opened first and the switch lands on the wanted
 * chat: a click right after the switch could otherwise be overtaken by the chat the switch opens.
 */
async function actAs(openId: string, chat: 'p2p' | 'group'): Promise<void> {
  const fake = stack.playground!.fake;
  const chatOf = (who: string) => (chat === 'p2p' ? fake.p2pChatOf(who) : DEMO_GROUP.chatId);
  const current = await page.locator('#identity').inputValue();
  if (current !== openId) {
    await openChat(chatOf(current));
    await page.locator('#identity').selectOption(openId);
    await page.locator(`.chat-item.active[data-chat="${chatOf(openId)}"]`).waitFor();
    await page.locator(`.chat-item[data-chat="${fake.p2pChatOf(openId)}"]`).waitFor();
  } else {
    await openChat(chatOf(openId));
  }
  await page.locator('#chat-title', { hasText: chat === 'p2p' ? '述职助手' : DEMO_GROUP.name }).waitFor();
}

/** Types a message in the composer and sends it with Enter; resolves once it shows in the chat. */
async function send(text: string): Promise<Locator> {
  const mine = page.locator('.msg-out');
  const n = await mine.count();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await mine.nth(n).waitFor();
  return mine.nth(n);
}

/** The calendar day of `ms` in the bot's zone, as YYYY-MM-DD. */
function dayIn(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: config.BOT_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** Whole days from one YYYY-MM-DD to another. */
function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** A value carried by a callback button of a card (JSON walk), e.g. the publish card's session id. */
function callbackValues(card: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'callback' && o.value && typeof o.value === 'object') out.push(o.value as Record<string, unknown>);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(card);
  return out;
}

const OWNER = 'ou_demo_owner';

// Generous timeouts: a real browser, the bot, Redis and BullMQ share two cores (waits are on conditions, not sleeps).
describe.skipIf(!hasChromium)('the playground in a browser', { timeout: 120_000 }, () => {
  let cardId = '';
  let year = '';
  /** The deadline set by the group owner: title, due day and first reminder day (YYYY-MM-DD, bot's zone). */
  const deadline = { title: '', due: '', firstReminder: '' };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    redis = await startRedis();
    config = loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'silent' });
    stack = await startStack(config);
    userDataDir = mkdtempSync(join(tmpdir(), 'shuzhi-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(45_000);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    await redis?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('opens on the chat with the bot, which greets the secretary with the welcome card', async () => {
    await page.goto(`${stack.url}/`);
    const welcome = page.locator('.msg', { has: page.locator('.card-title', { hasText: '述职助手' }) });
    await welcome.waitFor();
    expect(await page.locator('#identity').inputValue()).toBe('ou_demo_secretary');
    expect(await page.locator('#chat-title').textContent()).toBe('述职助手');
    expect(await welcome.locator('.card-subtitle').textContent()).toBe('书记抓基层党建工作述职报告');
    // The header colour comes from the card's template.
    expect(await welcome.locator('.card-header').getAttribute('class')).toContain('tpl-red');
    cardId = (await welcome.getAttribute('data-message-id')) ?? '';
    expect(cardId).toMatch(/^om_/);
    await shot('01-welcome');
  });

  it('writes a whole report through the cards, updated in place, up to a clean preview', async () => {
    const card = cardMessage(page, cardId);
    await card.locator('button', { hasText: '开始写述职报告' }).click();
    await waitForTitle(card, '第 1/12 步');

    // A required field left empty: the bot refuses with a toast, nothing is lost.
    await card.locator('select[data-name="org"]').selectOption('党支部');
    await card.locator('button', { hasText: '保存并继续' }).click();
    await page.locator('.toast-error', { hasText: '单位' }).waitFor();
    expect(await card.locator('select[data-name="org"]').inputValue()).toBe('党支部');

    await card.locator('input[data-name="unit"]').fill('区财政局');
    await card.locator('input[data-name="sup"]').fill('区直机关工委');
    year = await card.locator('select[data-name="year"]').inputValue();
    expect(year).toMatch(/^20\d\d$/);
    await shot('02-setup', page, { toasts: true });
    await card.locator('button', { hasText: '保存并继续' }).click();
    await waitForTitle(card, '第 2/12 步');
    // The card was updated in place: still one card in the chat.
    expect(await page.locator('.msg .card').count()).toBe(1);

    await card.locator('textarea[data-name="para"]').fill(opening(year));
    await card.locator('button', { hasText: '保存并继续' }).click();
    await waitForTitle(card, '第 3/12 步');

    const ids = Object.keys(SECTION_TEXT);
    for (const [i, id] of ids.entries()) {
      await card.locator('textarea[data-name="para"]').fill(SECTION_TEXT[id]!);
      if (i === 0) await shot('03-step');
      await card.locator('button', { hasText: '保存并继续' }).click();
      await waitForTitle(card, `第 ${i + 4}/12 步`);
    }

    // A confirm dialog: cancelling it sends nothing.
    await card.locator('button', { hasText: '清空本节' }).click();
    await page.locator('#confirm-title', { hasText: '清空本节' }).waitFor();
    expect(await page.locator('#confirm-text').textContent()).toContain('无法恢复');
    await shot('04-confirm');
    await page.locator('#confirm-cancel').click();
    await page.locator('#confirm').waitFor({ state: 'hidden' });

    const problems = [
      ['党建工作创新不够', '工作方法较为传统，与业务工作融合不够紧密'],
      ['理论学习不够深入', '学习形式较为单一，系统性不强'],
      ['监督考核运用不够', '考核结果与评先评优挂钩不紧'],
    ] as const;
    for (const [problem, analysis] of problems) {
      await card.locator('input[data-name="problem"]').fill(problem);
      await card.locator('textarea[data-name="analysis"]').fill(analysis);
      await clickAndWaitForUpdate(card, '添加这个问题');
      // Each problem shows up on the card before the next is typed.
      await card.locator('.card-body', { hasText: problem }).waitFor();
    }
    await card.locator('button', { hasText: '保存并继续' }).click();
    await waitForTitle(card, '第 11/12 步');

    for (const item of ['持续加强理论武装，每月组织一次集中学习', '严格落实组织生活制度，每季度讲一次党课']) {
      await card.locator('textarea[data-name="para"]').fill(item);
      await clickAndWaitForUpdate(card, '添加措施');
      await card.locator('.card-body', { hasText: item }).waitFor();
    }
    await card.locator('button', { hasText: '保存并继续' }).click();
    await waitForTitle(card, '第 12/12 步');

    const preview = (await card.locator('.card').textContent()) ?? '';
    expect(preview).toContain('第 12/12 步');
    expect(preview).toContain(`${year}年度区财政局党支部书记抓基层党建工作述职报告`);
    expect(preview).toContain('未发现问题');
    expect(preview).not.toContain('需要注意');
    expect(await card.locator('.card-header').getAttribute('class')).toContain('tpl-green');
    await card.scrollIntoViewIfNeeded();
    await shot('05-preview');
  });

  it('generates the document (a job), sends the link, and the document reads as the composed report', async () => {
    const card = cardMessage(page, cardId);
    const results = botCards(page, '述职报告 · 已生成文档');
    expect(await results.count()).toBe(0);
    await card.locator('button', { hasText: '生成文档' }).click();
    // The preview card turns into the 生成中 card in place; the job then turns that card into the result.
    await waitForTitle(card, '述职报告 · 生成中');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    const result = results.first();
    const title = `${year}年度区财政局党支部书记抓基层党建工作述职报告`;
    expect(await result.locator('.card-body strong').first().textContent()).toBe(title);
    expect(await cardText(result)).toContain('述职报告已生成飞书文档');
    expect(await result.locator('.card-header').getAttribute('class')).toContain('tpl-green');
    await result.scrollIntoViewIfNeeded();
    await shot('05b-published');

    // 打开文档 is a link button: the document opens in a new tab of the playground.
    const [doc] = await Promise.all([context.waitForEvent('page'), result.locator('button', { hasText: '打开文档' }).click()]);
    await doc.waitForLoadState();
    const docUrl = new URL(doc.url());
    expect(docUrl.origin).toBe(stack.url);
    expect(docUrl.pathname).toMatch(/^\/playground\/docx\/[A-Za-z0-9_-]+$/);
    expect(await doc.title()).toBe(`${title} · 述职助手本地体验`);
    expect(await doc.locator('h1.doc-title').textContent()).toBe(title);

    // The composed report, from the session the result card is about (the same pure composer the job used).
    const messageId = (await result.getAttribute('data-message-id')) ?? '';
    const value = callbackValues(stack.playground!.fake.message(messageId)?.content).find((v) => v.k === 'pub');
    expect(typeof value?.s).toBe('string');
    const client: Redis = createFastRedis(redis.url);
    let tree: ReturnType<typeof treeOf>;
    try {
      await waitReady(client);
      const loaded = await new SessionStore(client).byId(String(value!.s));
      if (!loaded || !('session' in loaded)) throw new Error('the published session is not in Redis');
      tree = treeOf(loaded.session);
    } finally {
      client.disconnect();
    }
    expect(tree?.title).toBe(title);
    const headings = tree!.nodes.flatMap((n) => (n.type === 'heading' ? [n.number + n.text] : []));
    const paragraphs = tree!.nodes.flatMap((n) => (n.type === 'paragraph' ? [n.text] : []));
    // Every heading of the report, in order and exactly, and every paragraph.
    const shownHeadings = await doc.locator('article.doc').locator('h1:not(.doc-title), h2, h3, h4').allTextContents();
    expect(shownHeadings).toEqual(headings);
    expect(await doc.locator('article.doc > p').allTextContents()).toEqual(paragraphs);
    // Including ones the secretary typed or that carry the year she chose.
    expect(shownHeadings).toContain(`一、${year}年基层党建主要成绩及经验`);
    expect(shownHeadings).toContain('（一）党建工作创新不够');
    expect(shownHeadings).toContain(`三、${Number(year) + 1}年书记抓基层党建工作思路`);
    expect(await doc.locator('.doc-unsupported').count()).toBe(0);
    await doc.screenshot({ path: join(ARTIFACTS, 'playground-05c-document.png'), fullPage: true });
    await doc.close();
  });

  it('logs an activity, confirms it on the card, and sees it in 统计', async () => {
    // Today (the fake clock's day): always in this year's ledger and never in the future.
    const [, m, d] = dayIn(stack.clock!.now()).split('-').map(Number) as [number, number, number];
    await send(`${m}月${d}日 组织集中学习二十大精神，28人参加`);
    const asking = botCards(page, '请确认活动记录').last();
    await asking.waitFor();
    // The card's message, by id: its title changes when it is updated in place.
    const logged = cardMessage(page, (await asking.getAttribute('data-message-id')) ?? '');
    const asked = await cardText(logged);
    expect(asked).toContain(`${m}月${d}日`);
    expect(asked).toContain('集中学习');
    expect(asked).toContain('28人参加');
    await clickAndWaitForUpdate(logged, '确认');
    await waitForTitle(logged, '活动已记入台账');
    expect(await logged.locator('.card-header').getAttribute('class')).toContain('tpl-green');
    await logged.scrollIntoViewIfNeeded();
    await shot('05d-activity');

    const thisYear = dayIn(stack.clock!.now()).slice(0, 4);
    await send('统计');
    const ledger = botCards(page, `${thisYear}年度活动台账`).last();
    await ledger.waitFor();
    const text = await cardText(ledger);
    expect(text).toContain('全年共记录活动 1 次');
    // 集中学习 has no required frequency: it is listed with the other activities, one in this quarter.
    const quarter = ['一季度', '二季度', '三季度', '四季度'][Math.floor((m - 1) / 3)]!;
    expect(text).toContain(`集中学习 1次（`);
    expect(text).toContain(`${quarter}1`);
    // A tall card: its top (title and totals) in view.
    await ledger.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('05e-ledger');
  });

  it('in the group, switches identity and talks to the bot with an @-mention', async () => {
    await actAs(OWNER, 'group');
    expect(await page.locator('#identity-role').textContent()).toContain('群主');
    expect(await page.locator('#mention').isChecked()).toBe(true);
    await page.locator('#text').fill('请问怎么使用？');
    await page.locator('#send').click();
    // The owner's own message (with the mention chip) and the bot's answer in the group.
    const mine = page.locator('.msg-out', { hasText: '请问怎么使用？' });
    await mine.waitFor();
    expect(await mine.locator('.mention').textContent()).toBe('@述职助手');
    await page.locator('.msg-in .bubble', { hasText: '如需撰写述职报告' }).waitFor();
    await shot('06-group');
  });

  it('as group owner sets a deadline through the form, and sees the deadline and progress cards', async () => {
    await actAs(OWNER, 'group');
    const mine = await send('@述职助手 设置截止');
    expect(await mine.locator('.mention').textContent()).toBe('@述职助手');
    const asked = botCards(page, '设置述职报告截止时间').last();
    await asked.waitFor();
    // The card's message, by id: its title changes when it is updated in place.
    const card = cardMessage(page, (await asked.getAttribute('data-message-id')) ?? '');
    // Defaults come filled in: the title of this report year, 18:00, four reminders, workdays only.
    const title = (await card.locator(`input[data-name="${FORM_FIELDS.title}"]`).inputValue()).trim();
    expect(title).toBe(`${year}年度述职报告`);
    expect(await card.locator(`select[data-name="${FORM_FIELDS.time}"]`).inputValue()).toBe('18:00');
    expect(await card.locator(`input[data-name="${FORM_FIELDS.workdays}"]`).isChecked()).toBe(true);
    const offsets = card.locator(`select[data-name="${FORM_FIELDS.offsets}"] option:checked`);
    expect(await offsets.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['7', '3', '1', '0']);

    // Due in 20 days: every reminder (7, 3, 1, 0 days before, moved to workdays) is then at least 4 days
    // ahead, out of reach of the +1 天 of the clock step below.
    deadline.due = dayIn(stack.clock!.now() + 20 * 86_400_000);
    deadline.title = title;
    // The page's date picker is an <input type="date">: it takes YYYY-MM-DD and sends "YYYY-MM-DD +0800".
    await card.locator(`input[data-name="${FORM_FIELDS.day}"]`).fill(deadline.due);
    // Not the default time: the card below shows what the form sent.
    await card.locator(`select[data-name="${FORM_FIELDS.time}"]`).selectOption('17:30');
    await card.scrollIntoViewIfNeeded();
    await shot('06b-deadline-form');
    await clickAndWaitForUpdate(card, '确定');

    // The form became a short 已设置 note; the announcement is a new message at the bottom of the group.
    await waitForTitle(card, '截止时间已设置');
    const announced = botCards(page, '述职报告截止时间已设置').last();
    await announced.waitFor();
    const [dy, dm, dd] = deadline.due.split('-').map(Number) as [number, number, number];
    const text = await cardText(announced);
    expect(await announced.locator('.card-subtitle').textContent()).toBe(title);
    expect(text).toMatch(new RegExp(`截止时间：${dy}年${dm}月${dd}日（周.）17:30`));
    // The secretary published her report above: 1 of the 3 counted (the owner who set it is not) is done.
    expect(text).toContain('已完成 1/3');
    const plan = /提醒安排：(.+?) 上午 9:00/.exec(text)?.[1] ?? '';
    const days = [...plan.matchAll(/(\d{1,2})月(\d{1,2})日 周./g)].map((x) => [Number(x[1]), Number(x[2])] as const);
    expect(days.length).toBeGreaterThanOrEqual(1);
    // The first reminder day as YYYY-MM-DD: the one between today and the due day.
    const today = dayIn(stack.clock!.now());
    const [fm, fd] = days[0]!;
    deadline.firstReminder = [dy - 1, dy]
      .map((y) => `${y}-${String(fm).padStart(2, '0')}-${String(fd).padStart(2, '0')}`)
      .find((x) => x > today && x <= deadline.due)!;
    expect(deadline.firstReminder).toBeDefined();
    expect(daysFrom(today, deadline.firstReminder)).toBeGreaterThanOrEqual(2);
    await announced.scrollIntoViewIfNeeded();
    await shot('06c-deadline-set');

    await send('@述职助手 进度');
    const progress = botCards(page, '述职报告完成情况').last();
    await progress.waitFor();
    const p = await cardText(progress);
    expect(p).toContain(`「${title}」将于 ${dy}年${dm}月${dd}日`);
    expect(p).toMatch(/已完成 1\/3\s*填写中 0\s*未开始 2/);
    // Counts only in the group: no names.
    for (const u of DEMO_USERS) expect(p).not.toContain(u.name);
    await progress.scrollIntoViewIfNeeded();
    await shot('06d-progress');
  });

  it('jumps the fake clock forward, and the bot still answers (fake, edge and bot share the clock)', async () => {
    const before = stack.clock!.now();
    const shown = (await page.locator('#clock-now').textContent()) ?? '';
    await page.locator('button[data-advance="86400000"]').click();
    await page.locator('#clock-offset', { hasText: '1 天' }).waitFor();
    expect(stack.clock!.offset()).toBeGreaterThanOrEqual(86_400_000);
    expect(stack.clock!.now() - before).toBeGreaterThanOrEqual(86_400_000);
    expect(await page.locator('#clock-now').textContent()).not.toBe(shown);

    // Back to the secretary's chat: "继续" brings the walk-through back a day later.
    await actAs('ou_demo_secretary', 'p2p');
    await cardMessage(page, cardId).waitFor();
    const cards = page.locator('.msg .card');
    const n = await cards.count();
    await page.locator('#text').fill('继续');
    await page.locator('#text').press('Enter');
    await page.locator('.msg .card').nth(n).waitFor();
    expect(await cards.nth(n).textContent()).toContain('继续上次的填写');
    await shot('07-clock');
  });

  it('sends a file and downloads it back from the chat', async () => {
    const data = Buffer.from('PK\u0003\u0004 not really a docx, just bytes');
    await page.locator('#file').setInputFiles({ name: '2025年述职报告.docx', mimeType: 'application/octet-stream', buffer: data });
    const file = page.locator('.msg-out a.file', { hasText: '2025年述职报告.docx' });
    await file.waitFor();
    const href = (await file.getAttribute('href')) ?? '';
    const res = await page.request.get(`${stack.url}${href}`);
    expect(res.status()).toBe(200);
    expect(Buffer.from(await res.body()).equals(data)).toBe(true);
    expect(res.headers()['content-disposition']).toContain(encodeURIComponent('2025年述职报告.docx'));
  });

  it('shows every sample card in the gallery', async () => {
    const g = await context.newPage();
    await g.goto(`${stack.url}/playground/gallery`);
    expect(await g.locator('.gallery-item').count()).toBe(galleryCards().length);
    expect(await g.locator('.unsupported').count()).toBe(0);
    await shot('08-gallery', g);
    await g.close();
  });

  it('works in a narrow window: one pane at a time', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 800 });
    await narrow.goto(`${stack.url}/`);
    await narrow.locator('.msg .card').first().waitFor();
    expect(await narrow.locator('.sidebar').isVisible()).toBe(false);
    const box = await narrow.locator('.msg .card').first().boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await shot('09-narrow-chat', narrow);
    await narrow.locator('#back').click();
    expect(await narrow.locator('.sidebar').isVisible()).toBe(true);
    await shot('10-narrow-list', narrow);
    await narrow.close();
  });

  it('jumps the clock to the first reminder day: the reminder arrives in the group, and privately', async () => {
    expect(deadline.firstReminder).not.toBe('');
    await actAs(OWNER, 'group');
    const reminders = botCards(page, '述职报告截止提醒');
    expect(await reminders.count()).toBe(0);
    // The page's date jump (wall time in the bot's zone): 09:30 on the first reminder day.
    await page.locator('#clock-to').fill(`${deadline.firstReminder}T09:30`);
    await page.locator('#clock-jump button[type="submit"]').click();
    await reminders.first().waitFor();
    expect(dayIn(stack.clock!.now())).toBe(deadline.firstReminder);
    const text = await cardText(reminders.first());
    expect(text).toContain(`距「${deadline.title}」截止还有${daysFrom(deadline.firstReminder, deadline.due)}天`);
    expect(text).toContain('已完成 1/3');
    await reminders.first().scrollIntoViewIfNeeded();
    await shot('11-reminder');
    // Only the reminders planned in the skipped interval ran: one.
    expect(await reminders.count()).toBe(1);

    // A member who has not written her report is also reminded in her chat with the bot (the owner is not counted).
    await actAs('ou_demo_member2', 'p2p');
    const own = botCards(page, '述职报告填写提醒');
    await own.first().waitFor();
    expect(await cardText(own.first())).toContain(`「${DEMO_GROUP.name}」群设置的「${deadline.title}」`);
    await own.first().scrollIntoViewIfNeeded();
    await shot('12-private-reminder');
  });
});
