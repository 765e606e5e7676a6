// Callback latency over the long connection (FEISHU_TRANSPORT=websocket) beside the webhook's, in the same run:
// a secretary clicks a card button N times (a setup form with the unit missing: answered with a toast, nothing
// saved, so every click does the same work), measured from the fake's click to the answer it receives. Rounds
// alternate between the two transports so that machine noise falls on both. The ratio is websocket / webhook.
import { type Harness, startHarness } from '../../test/support/harness.ts';
import { buttons } from '../../test/support/cards.ts';
import { fmt } from './util.ts';

const N = Number(process.env.TRANSPORT_BENCH_N ?? 300);
const ROUNDS = 3;
const USER = 'ou_bench_transport';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function setup(h: Harness): Promise<{ messageId: string; value: Record<string, unknown> }> {
  h.fake.addUser({ openId: USER, name: '测试书记' });
  const chat = h.fake.p2pChatOf(USER);
  await h.fake.userSendsText({ chatId: chat, openId: USER, text: '写述职报告' });
  for (let i = 0; i < 200; i++) {
    const card = h.fake.messages(chat).find((m) => m.sender.type === 'app' && m.msgType === 'interactive');
    if (card) {
      const b = buttons(card.content).find((x) => x.text === '保存并继续');
      if (!b) throw new Error('no 保存并继续 on the setup card');
      return { messageId: card.messageId, value: b.value };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the setup card did not arrive');
}

async function round(h: Harness, target: { messageId: string; value: Record<string, unknown> }): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = await h.fake.userClicks({ messageId: target.messageId, openId: USER, value: target.value, name: 'submit', formValue: { unit: '', org: '党支部', year: '2026', sup: '' } });
    if (r.status !== 200 || !r.toast) throw new Error(`click ${i} was not answered with a toast (status ${r.status})`);
    ms.push(r.ms);
  }
  return ms;
}

export async function benchTransport(): Promise<void> {
  const hw = await startHarness({ transport: 'webhook', rateLimits: false });
  const hs = await startHarness({ transport: 'websocket', rateLimits: false });
  try {
    const [tw, ts] = [await setup(hw), await setup(hs)];
    await round(hw, tw);
    await round(hs, ts); // warm-up
    const all = { webhook: [] as number[], websocket: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      all.webhook.push(...(await round(hw, tw)));
      all.websocket.push(...(await round(hs, ts)));
    }
    const rows = (['webhook', 'websocket'] as const).map((k) => {
      const s = [...all[k]].sort((a, b) => a - b);
      return { k, p50: pct(s, 50), p99: pct(s, 99) };
    });
    for (const r of rows) process.stdout.write(`${r.k.padEnd(10)} clicks ${fmt(all[r.k].length, 0)}  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms\n`);
    const [w, s] = rows as [(typeof rows)[0], (typeof rows)[0]];
    process.stdout.write(`ratio websocket/webhook: p50 ${fmt(s.p50 / w.p50, 2)}, p99 ${fmt(s.p99 / w.p99, 2)}\n`);
  } finally {
    await hw.close();
    await hs.close();
  }
}
