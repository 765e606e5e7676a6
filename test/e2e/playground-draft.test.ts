// 帮我起草 in the playground, in a real browser on a phone-sized window (375×740): `npm start` with no setting
// points the drafting model at the fake's own OpenAI-compatible endpoint, so the button is there with no setup.
// The draft lands in the input box of the same card; nothing is saved until 保存本段. Screenshot in test/artifacts/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Stack, startStack } from '../../src/main.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const hasChromium = existsSync(CHROMIUM);

let redis: TestRedis;
let stack: Stack;
let context: BrowserContext;
let page: Page;
let userDataDir: string;

describe.skipIf(!hasChromium)('帮我起草 in the playground (375×740)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    redis = await startRedis();
    stack = await startStack(loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'silent' }));
    userDataDir = mkdtempSync(join(tmpdir(), 'shuzhi-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
      viewport: { width: 375, height: 740 },
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

  it('shows 帮我起草 on a text step and fills the draft into the input box of the same card', async () => {
    await page.goto(`${stack.url}/`);
    const welcome = page.locator('.msg', { has: page.locator('.card-title', { hasText: '述职助手' }) }).first();
    await welcome.waitFor();
    const card = page.locator(`.msg[data-message-id="${await welcome.getAttribute('data-message-id')}"]`);
    await card.locator('button', { hasText: '开始写述职报告' }).click();
    await card.locator('.card-title', { hasText: '第 1/12 步' }).waitFor();
    await card.locator('input[data-name="unit"]').fill('区财政局');
    await card.locator('select[data-name="org"]').selectOption('党支部');
    await card.locator('button', { hasText: '保存并继续' }).click();
    await card.locator('.card-title', { hasText: '第 2/12 步' }).waitFor();

    const draftButton = card.locator('button', { hasText: '帮我起草' });
    await draftButton.waitFor();
    const body = ((await card.locator('.card').textContent()) ?? '').replace(/\s+/g, ' ');
    expect(body).toContain(`发送至 ${new URL(stack.playground!.fake.url).host}`);
    const typed = '我坚持把党建工作摆在突出位置';
    await card.locator('textarea[data-name="para"]').fill(typed);
    await draftButton.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'playground-13-draft-button.png') });
    await draftButton.click();
    await card.locator('.card-body', { hasText: '初稿已填入下方输入框' }).waitFor();
    const draft = await card.locator('textarea[data-name="para"]').inputValue();
    expect(draft).toContain(typed);
    expect(draft).toContain('一是');
    expect(await card.locator('button', { hasText: '重新起草' }).count()).toBe(1);
    await card.locator('textarea[data-name="para"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
    await page.screenshot({ path: join(ARTIFACTS, 'playground-14-draft.png') });
    // The card fits the narrow window: no horizontal scrolling.
    const box = await card.locator('.card').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
  });
});
