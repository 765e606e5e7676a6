// Pushing events and card callbacks to the bot, the way Feishu does it (reference §2, §3): schema 2.0
// envelope, compact JSON, {"encrypt"} + X-Lark-* signature headers when an Encrypt Key is set, an answer
// expected within the timeout, re-push with the same event_id on failure (events only), duplicates.
import type { FakeLongConnection } from './ws.ts';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import { encryptPayload, randomNonce, signBody } from '../../feishu/crypto.ts';
import { newId } from './ids.ts';
import type { DeliveryRecord, PushResult } from './types.ts';
import type { World } from './world.ts';

export interface RawAnswer {
  status: number;
  body: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

/** One POST with exact bytes; never throws (a failure is status 0 with `error`). */
export function postRaw(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<RawAnswer, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...a, ms: Math.round(performance.now() - started) });
    };
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      finish({ status: 0, body: '', timedOut: false, error: `bad bot url ${url}` });
      return;
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      u,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), timedOut: false }),
        );
        res.on('error', (e) => finish({ status: 0, body: '', timedOut: false, error: e.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: 0, body: '', timedOut: true, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ status: 0, body: '', timedOut: false, error: e.message }));
    req.end(body);
  });
}

const MAX_REMEMBERED = 2000;

export interface PushOptions {
  duplicate?: number;
  eventId?: string;
  signed?: boolean;
  /** Extra field for the PushResult (the message an event carries). */
  messageId?: string;
}

export class Pusher {

  readonly deliveries: DeliveryRecord[] = [];
  private pending = 0;
  private waiters: Array<() => void> = [];
  private readonly sleeps = new Map<NodeJS.Timeout, (ok: boolean) => void>();
  private closed = false;

  constructor(
    private readonly world: World,
    private readonly longConn?: FakeLongConnection,
  ) {}

  private get overWs(): boolean {
    return this.world.settings.transport === 'websocket';
  }

  envelope(eventType: string, event: unknown, eventId: string, createTime: string): Record<string, unknown> {
    const s = this.world.settings;
    return {
      schema: '2.0',
      header: {
        event_id: eventId,
        event_type: eventType,
        create_time: createTime,
        // Over the long connection header.token is "" (Corrections).
        token: this.overWs ? '' : (s.verificationToken ?? ''),
        app_id: s.appId,
        tenant_key: s.tenantKey,
      },
      event,
    };
  }

  /** Body bytes and headers for one delivery: encrypted and signed when an Encrypt Key is set. */
  encode(json: string, signed = true): { body: string; headers: Record<string, string> } {
    const key = this.world.settings.encryptKey;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Feishu-Event-Push/fake',
    };
    if (!key) return { body: json, headers };
    const body = JSON.stringify({ encrypt: encryptPayload(key, json) });
    if (signed) {
      const ts = String(Math.floor(this.world.now() / 1000));
      const nonce = randomNonce();
      headers['x-lark-request-timestamp'] = ts;
      headers['x-lark-request-nonce'] = nonce;
      headers['x-lark-signature'] = signBody(ts, nonce, key, body);
    }
    return { body, headers };
  }

  private botUrl(): string {
    if (this.overWs) return '';
    const url = this.world.settings.botUrl;
    if (!url) throw new Error('fake feishu: botUrl is not set (setBotUrl)');
    return url;
  }

  /** Pushes an event; resolves after the first delivery; re-pushes and duplicates continue in the background. */
  async pushEvent(eventType: string, event: unknown, o: PushOptions = {}): Promise<PushResult> {
    this.botUrl();
    const eventId = o.eventId ?? newId.eventId();
    const json = JSON.stringify(this.envelope(eventType, event, eventId, String(this.world.now())));
    this.remember(eventId, eventType, json);
    const signed = o.signed ?? true;
    for (let i = 0; i < (o.duplicate ?? 0); i++) {
      this.track(this.chain(eventId, eventType, json, signed, true));
    }
    let first: RawAnswer | undefined;
    const main = this.chain(eventId, eventType, json, signed, false, (a) => {
      first = a;
    });
    this.track(main);
    await main.firstDone;
    const a = first!;
    return { eventId, messageId: o.messageId, status: a.status, ms: a.ms, body: a.body };
  }

  /** A card callback: one delivery, never re-pushed (reference §3.2). */
  async pushCallback(eventType: string, event: unknown): Promise<RawAnswer & { eventId: string }> {
    const url = this.botUrl();
    const eventId = newId.eventId();
    // Callback create_time is documented in microseconds.
    const json = JSON.stringify(this.envelope(eventType, event, eventId, String(this.world.now() * 1000)));
    this.pending += 1;
    // Copies of the same callback (duplicateCallbacks), sent at the same moment; their answers are only recorded.
    for (let i = 0; i < this.world.settings.callbackCopies; i++) {
      this.pending += 1;
      void this.deliver(url, eventId, eventType, json, true, 0, true).finally(() => this.release());
    }
    try {
      const a = await this.deliver(url, eventId, eventType, json, true, 0, false);
      return { ...a, eventId };
    } finally {
      this.release();
    }
  }

  async challenge(encrypted: boolean): Promise<{ status: number; body: unknown }> {
    const url = this.botUrl();
    const s = this.world.settings;
    const json = JSON.stringify({ challenge: randomUUID(), token: s.verificationToken ?? '', type: 'url_verification' });
    let body = json;
    let headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (encrypted) {
      if (!s.encryptKey) throw new Error('fake feishu: challenge({encrypted:true}) needs an encryptKey');
      ({ body, headers } = this.encode(json));
    }
    // Feishu wants the challenge answered within 1 s; the fake uses the callback timeout.
    const a = await postRaw(url, body, headers, s.callbackTimeoutMs);
    let parsed: unknown = a.body;
    try {
      parsed = JSON.parse(a.body);
    } catch {
      // keep the text
    }
    return { status: a.status, body: parsed };
  }

  pushRaw(body: string, headers: Record<string, string>): Promise<{ status: number; body: string; ms: number }> {
    return postRaw(this.botUrl(), body, headers, this.world.settings.callbackTimeoutMs).then((a) => ({
      status: a.status,
      body: a.body,
      ms: a.ms,
    }));
  }

  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    // Wake every chain waiting for a re-push: each ends without delivering, which releases whenIdle().
    for (const [t, wake] of this.sleeps) {
      clearTimeout(t);
      wake(false);
    }
    this.sleeps.clear();
  }

  private track(c: { done: Promise<void> }): void {
    this.pending += 1;
    c.done.finally(() => this.release());
  }

  private release(): void {
    if (this.pending > 0) this.pending -= 1;
    this.flush();
  }

  private flush(): void {
    if (this.pending !== 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Delivers an event pushed earlier once more, with the same envelope (as Feishu's re-push does, or a
   * duplicate delivery): a new delivery chain to the current bot URL. Resolves after its first attempt.
   */
  async redeliver(eventId: string): Promise<RawAnswer> {
    const sent = this.sent.get(eventId);
    if (!sent) throw new Error(`fake feishu: no event ${eventId} was pushed`);
    let first: RawAnswer | undefined;
    const c = this.chain(eventId, sent.eventType, sent.json, true, true, (a) => {
      first = a;
    });
    this.track(c);
    await c.firstDone;
    return first!;
  }

  /** The envelopes pushed, by event id (the last MAX_REMEMBERED), for redeliver(). */
  private readonly sent = new Map<string, { eventType: string; json: string }>();

  private remember(eventId: string, eventType: string, json: string): void {
    this.sent.set(eventId, { eventType, json });
    if (this.sent.size > MAX_REMEMBERED) this.sent.delete(this.sent.keys().next().value as string);
  }

  /**
   * A delivery chain: the first attempt, then one re-push per schedule entry while attempts fail. Every attempt
   * goes to the bot URL configured at that moment (Feishu posts to the one request URL; behind it a load
   * balancer picks a live instance).
   */
  private chain(
    eventId: string,
    eventType: string,
    json: string,
    signed: boolean,
    duplicate: boolean,
    onFirst?: (a: RawAnswer) => void,
  ): { done: Promise<void>; firstDone: Promise<void> } {
    let resolveFirst!: () => void;
    const firstDone = new Promise<void>((r) => {
      resolveFirst = r;
    });
    const schedule = this.world.settings.repushScheduleMs;
    const done = (async () => {
      try {
        for (let attempt = 0; ; attempt++) {
          const a = await this.deliver(this.botUrl(), eventId, eventType, json, signed, attempt, duplicate);
          if (attempt === 0) {
            onFirst?.(a);
            resolveFirst();
          }
          if (a.status === 200 && !a.timedOut) return;
          const delay = schedule[attempt];
          if (delay === undefined || this.closed) return;
          const ok = await this.sleep(delay);
          if (!ok) return;
        }
      } finally {
        resolveFirst();
      }
    })();
    return { done, firstDone };
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.sleeps.delete(t);
        resolve(!this.closed);
      }, ms);
      this.sleeps.set(t, resolve);
    });
  }

  private async deliver(
    url: string,
    eventId: string,
    eventType: string,
    json: string,
    signed: boolean,
    attempt: number,
    duplicate: boolean,
  ): Promise<RawAnswer> {
    let a: RawAnswer;
    if (this.overWs && this.longConn) {
      // Plaintext frames; an ack code other than 200 is a failed delivery (re-pushed for events).
      const w = await this.longConn.deliver(json, { timeoutMs: this.world.settings.callbackTimeoutMs, frameType: eventType === 'card.action.trigger' ? this.longConn.cardFrameType : 'event' });
      a = { ...w, status: w.status === 200 ? 200 : w.status === 0 ? 0 : 500 };
    } else {
      const { body, headers } = this.encode(json, signed);
      a = await postRaw(url, body, headers, this.world.settings.callbackTimeoutMs);
    }
    const ok = a.status === 200 && !a.timedOut;
    this.deliveries.push({
      eventId,
      eventType,
      attempt,
      duplicate,
      status: a.status,
      ms: a.ms,
      ok,
      timedOut: a.timedOut,
      error: a.error,
      at: this.world.now(),
    });
    if (!ok) {
      this.world.log.warn('fake feishu: delivery failed', { eventId, eventType, attempt, status: a.status, error: a.error });
    }
    return a;
  }
}
