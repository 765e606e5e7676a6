// After authentication, one delivery of one event or callback, whichever transport brought it (the webhook edge
// or the long connection): parse tolerantly into the InboundEvent union → dedupe → the handler raced against the
// deadline (the one owner of Feishu's 3 s rule) → one answer. Nothing here knows how the body arrived.
import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics.ts';
import type { OutageTracker } from '../store/outage.ts';
import { type Claim, LEASE_MS } from '../store/dedupe.ts';
import { type CallbackAnswer, createDelivery, dedupeKeyOf, type EventHandler } from './delivery.ts';
import { type InboundEvent, InboundParseError, toInboundEvent } from './inbound.ts';

export const UNAVAILABLE_TOAST = '服务暂时不可用，请稍后再试';
export const BUSY_TOAST = '正在处理，请稍候…';

/** See the claim in createReceiver. */
export const CLAIM_TIMEOUT_MS = 2500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

export interface ReceiveLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/**
 * What to answer Feishu: 200 with the card answer (callbacks) or {} (events); 5xx makes Feishu re-push an event
 * (the long connection acks it with code 500 for the same effect).
 */
export interface Received {
  status: 200 | 500 | 503;
  /** The answer; absent when only `json` is at hand (a duplicate served from the stored answer). */
  body?: CallbackAnswer | Record<string, unknown>;
  /** The answer already serialised (a card callback's): sent as it is, never stringified twice. */
  json?: string;
  isCard: boolean;
}

/** The answer as an object (the long connection's ack wants one). */
export function answerOf(r: Received): CallbackAnswer | Record<string, unknown> {
  return r.body ?? (r.json ? (JSON.parse(r.json) as CallbackAnswer) : {});
}

export interface ReceiverOptions {
  redis: Redis;
  metrics: Metrics;
  handle: EventHandler;
  /** Records an event as a durable job (see delivery.ts). Without it slow or failed events are answered 5xx. */
  persist?: (ev: InboundEvent, o: { delayMs: number }) => Promise<void>;
  /** Answered by then at the latest (Feishu allows 3 s). Default 2000 ms. */
  deadlineMs?: number;
  logger: ReceiveLog;
  /** Logs a Redis outage once when it starts and once when it ends; counts the failures between. */
  outage?: OutageTracker;
}

export type Receive = (body: Record<string, unknown>, log: ReceiveLog) => Promise<Received>;

export function createReceiver(o: ReceiverOptions): Receive {
  const delivery = createDelivery({ redis: o.redis, logger: o.logger, metrics: o.metrics });
  const deduper = delivery.deduper;
  const deadlineMs = o.deadlineMs ?? 2000;

  /** Hands the event to a durable job. False when that is impossible (no job queue, Redis down). */
  async function persist(ev: InboundEvent, delayMs: number, log: ReceiveLog): Promise<boolean> {
    if (!o.persist) return false;
    try {
      await o.persist(ev, { delayMs });
      o.metrics.delivery('persisted');
      return true;
    } catch (err) {
      o.metrics.delivery('persist_failed');
      log.error({ err: (err as Error).message, eventId: ev.eventId }, 'could not record the event as a job (Redis): answered 5xx so that Feishu re-pushes it');
      return false;
    }
  }

  return async (body, log) => {
    // From here on the body is genuine (signed and decrypted, or token-checked): it is never refused, because a
    // refused event is re-pushed and then dropped. Drift is logged (paths only, never values), counted, and the
    // event handled when what remains is enough.
    const drifted: string[] = [];
    let ev: InboundEvent;
    try {
      ev = toInboundEvent(body, {
        onDrift: (eventType, path) => {
          drifted.push(path);
          o.metrics.schemaDrift(eventType, path);
        },
      });
    } catch (e) {
      const type = e instanceof InboundParseError ? e.eventType : 'unparsed';
      o.metrics.event(type, 'drift_unhandled');
      log.warn({ eventType: type, paths: drifted, reason: (e as Error).message }, 'genuine Feishu event does not match the schema and cannot be handled; answered 200');
      return { status: 200, body: {}, isCard: false };
    }
    if (drifted.length > 0) {
      log.warn({ eventId: ev.eventId, type: ev.type, paths: drifted }, 'genuine Feishu event drifted from the schema; the drifted fields were dropped');
    }

    const isCard = ev.type === 'card_action';
    if (ev.type === 'unknown') {
      o.metrics.event(ev.eventType, 'ignored');
      return { status: 200, body: {}, isCard: false };
    }

    const key = dedupeKeyOf(ev);
    let claim: Claim;
    try {
      // A Redis that is connected but does not answer (a hung server, a silent network) must not hold the answer
      // past Feishu's 3 s: the claim gets until CLAIM_TIMEOUT_MS, then counts as an outage. A merely busy Redis
      // answers well before.
      claim = await withTimeout(deduper.claim(key), CLAIM_TIMEOUT_MS);
    } catch (err) {
      o.metrics.event(ev.type, 'unavailable');
      // One warning per outage (store/outage.ts), not one line per request.
      if (o.outage) o.outage.failed('request', err);
      else log.error({ err: (err as Error).message }, 'Redis unavailable: check REDIS_URL');
      if (isCard) return { status: 200, body: { toast: { type: 'error', content: UNAVAILABLE_TOAST } }, isCard };
      return { status: 503, body: { error: 'unavailable' }, isCard };
    }

    if (claim.kind !== 'claimed') {
      o.metrics.event(ev.type, 'duplicate');
      if (!isCard) return { status: 200, body: {}, isCard };
      let answer = claim.kind === 'done' ? claim.answer : await deduper.awaitDone(key, Math.min(1000, deadlineMs)).catch(() => undefined);
      if (answer === undefined) return { status: 200, body: { toast: { type: 'info', content: BUSY_TOAST } }, isCard };
      if (answer === null) answer = '{}';
      return { status: 200, json: answer, isCard };
    }

    const work = delivery.run(key, ev, o.handle);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const result = await Promise.race([work, late]);
    clearTimeout(timer);

    if (result === 'late') {
      o.metrics.event(ev.type, 'late');
      log.warn({ eventId: ev.eventId, type: ev.type, deadlineMs }, 'handler outlived the deadline; answered early');
      // A click is not re-pushed: the user sees 正在处理 and the work goes on here, settling its own claim.
      if (isCard) return { status: 200, body: { toast: { type: 'info', content: BUSY_TOAST } }, isCard };
      // An event is answered 200 only once it is durably recorded: if this process dies, a worker elsewhere
      // completes it once the claim's lease has run out.
      return (await persist(ev, LEASE_MS, log)) ? { status: 200, body: {}, isCard } : { status: 503, body: { error: 'unavailable' }, isCard };
    }
    if (!result.ok) {
      if (result.permanent) {
        o.metrics.event(ev.type, 'permanent_error');
        if (isCard) return { status: 200, body: { toast: { type: 'error', content: UNAVAILABLE_TOAST } }, isCard };
        return { status: 200, body: {}, isCard };
      }
      o.metrics.event(ev.type, 'failed');
      log.error({ err: result.err, eventId: ev.eventId, type: ev.type }, 'handler failed');
      if (isCard) return { status: 200, body: { toast: { type: 'error', content: UNAVAILABLE_TOAST } }, isCard };
      // Retried by a job (sooner than Feishu's 15 s re-push); when even that cannot be recorded, 500 makes
      // Feishu re-push, and the released claim lets that delivery complete the work.
      return (await persist(ev, 1000, log)) ? { status: 200, body: {}, isCard } : { status: 500, body: { error: 'handler failed' }, isCard };
    }
    o.metrics.event(ev.type, 'ok');
    if (isCard) return { status: 200, body: result.answer ?? {}, json: result.json, isCard };
    return { status: 200, body: {}, isCard };
  };
}
