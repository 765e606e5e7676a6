// Long-connection mode (FEISHU_TRANSPORT=websocket) against the fake's long-connection side: the SDK's WSClient,
// protobuf frames, acks carrying the answer, card callbacks in either frame type, fragments, refusals, drops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, cardText, click } from '../support/cards.ts';
import { type Harness, startHarness, waitConnected } from '../support/harness.ts';

let h: Harness;
const USER = 'ou_ws_secretary';

beforeAll(async () => {
  h = await startHarness({ transport: 'websocket' });
  h.fake.addUser({ openId: USER, name: '周书记' });
});
afterAll(async () => {
  await h?.close();
});

const chat = () => h.fake.p2pChatOf(USER);
const botMessages = () => h.fake.messages(chat()).filter((m) => m.sender.type === 'app');

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function say(text: string) {
  const before = botMessages().length;
  const r = await h.fake.userSendsText({ chatId: chat(), openId: USER, text });
  expect(r.status).toBe(200);
  return waitFor(() => botMessages()[before], `the answer to ${text}`);
}

describe('long connection', () => {
  it('is connected: /healthz 200 and the state in /metrics; no webhook route', async () => {
    const i = h.instances[0]!;
    expect(h.fake.longConnection.connections).toBe(1);
    expect((await fetch(`${i.url}/healthz`)).status).toBe(200);
    const m = await (await fetch(`${i.url}/metrics`)).text();
    expect(m).toContain('shuzhi_feishu_connection_state{state="connected"} 1');
    expect((await fetch(`${i.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('delivers a message event as a frame with header.token "", and the bot answers', async () => {
    const card = await say('写述职报告');
    expect(cardText(card.content)).toContain('基本信息');
    expect(h.fake.longConnection.acks.at(-1)).toEqual({ type: 'event', code: 200 });
  });

  it('answers a card callback in the ack, whether it comes as an event frame or as a card frame', async () => {
    const card = await say('写述职报告');
    const label = buttons(card.content)[0]!.text;
    h.fake.longConnection.cardFrameType = 'event';
    const a = await click(h.fake, card, USER, label);
    expect(a.status).toBe(200);
    expect(a.errorCode).toBeUndefined();
    expect(a.toast ?? a.card).toBeDefined();
    // SDK 1.74.0 drops type=card frames without an ack; the adapter acks them, as card frames.
    h.fake.longConnection.cardFrameType = 'card';
    try {
      const again = await say('写述职报告');
      const b = await click(h.fake, again, USER, buttons(again.content)[0]!.text);
      expect(b.status).toBe(200);
      expect(b.errorCode).toBeUndefined();
      expect(b.toast ?? b.card).toBeDefined();
      expect(h.fake.longConnection.acks.at(-1)).toEqual({ type: 'card', code: 200 });
    } finally {
      h.fake.longConnection.cardFrameType = 'event';
    }
  });

  it('reassembles a payload sent in fragments', async () => {
    h.fake.longConnection.fragmentBytes = 300;
    try {
      const text = `3月5日 组织集中学习二十大精神，28人参加${'。'.repeat(200)}`;
      const card = await say(text);
      expect(cardText(card.content)).toContain('集中学习');
    } finally {
      h.fake.longConnection.fragmentBytes = 16 * 1024;
    }
  });

  it('reconnects after the connection drops, and events arrive again', async () => {
    const lc = h.instances[0]!.longConnection!;
    const endpointCalls = () => h.fake.callsTo('callback.ws.endpoint').length;
    const before = endpointCalls();
    h.fake.longConnection.dropAll();
    // The SDK asks the endpoint for a new URL and connects again.
    await waitFor(() => (endpointCalls() > before && h.fake.longConnection.connections === 1 ? true : undefined), 'a new connection', 15_000).catch((e) => {
      throw new Error(`${(e as Error).message}: endpoint calls ${endpointCalls() - before}, connections ${h.fake.longConnection.connections}, state ${lc.state()}`);
    });
    await waitConnected(lc, 15_000);
    const card = await say('写述职报告');
    expect(cardText(card.content)).toContain('基本信息');
  });

  it('does not go deaf when the endpoint refuses (514 auth failed): restarts with backoff, says what to check', async () => {
    const i = h.instances[0]!;
    const lc = i.longConnection!;
    h.fake.longConnection.refuseNext(514, 2);
    h.fake.longConnection.dropAll();
    await waitFor(() => (lc.state() === 'failed' ? true : undefined), 'the failed state', 15_000).catch((e) => {
      const calls = h.fake.callsTo('callback.ws.endpoint').slice(-5).map((c) => `${c.status}/${c.code}/${JSON.stringify(c.body).slice(0, 60)}`);
      throw new Error(`${(e as Error).message}: state ${lc.state()}, conns ${h.fake.longConnection.connections}, calls ${calls.join(' ')}`);
    });
    expect(lc.unhealthy()).toContain('failed');
    expect((await fetch(`${i.url}/healthz`)).status).toBe(503);
    await waitConnected(lc, 20_000);
    expect((await fetch(`${i.url}/healthz`)).status).toBe(200);
    const card = await say('写述职报告');
    expect(cardText(card.content)).toContain('基本信息');
  }, 40_000);
});
