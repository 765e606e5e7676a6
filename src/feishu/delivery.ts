// Running one delivery of an event exactly once, wherever it runs: in the edge (the webhook request) or in the
// durable `event` job that the edge records when it must answer before the work is done.
//
// The rules (issue "never lose a genuine event"):
// - the work runs under a dedupe claim that is a short lease, renewed while it runs (store/dedupe.ts);
// - success marks the claim done; a permanent Feishu error (one that no retry can fix) also marks it done and is
//   recorded (log with the code, metric): answering 500 would only make Feishu re-push it four times for nothing;
// - any other failure releases the claim, so that the next delivery completes the work; a release that fails is
//   logged and counted (the lease then runs out by itself within LEASE_MS).
import type { Redis } from 'ioredis';
import { CALLBACK_DONE_TTL_S, Deduper, LEASE_MS } from '../store/dedupe.ts';
import { KEY_PREFIX } from '../store/redis.ts';
import { FeishuApiError } from './errors.ts';
import type { InboundEvent } from './inbound.ts';

/** The job name of a durably recorded event. */
export const EVENT_JOB = 'event';

/** What a card callback answers (reference §3.2). Events answer {}. */
export interface CallbackAnswer {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: unknown };
}

export type EventHandler = (ev: InboundEvent) => Promise<CallbackAnswer | undefined>;

export interface DeliveryLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface DeliveryMetrics {
  delivery(outcome: string): void;
}

/** The dedupe key of an event: message_id for messages, event_id for the rest. */
export function dedupeKeyOf(ev: InboundEvent): string {
  return Deduper.key(ev.eventId, ev.type === 'message' ? ev.messageId : undefined);
}

/** Where the latest answer for one card and one person is kept (a click's claim points to it). */
function answerKeyOf(ev: InboundEvent): string | undefined {
  if (ev.type !== 'card_action' || !ev.messageId) return undefined;
  return `${KEY_PREFIX}cbans:${ev.messageId}:${ev.operatorOpenId}`;
}

/** A Feishu error that no retry can fix (terminal, or a 4xx code we do not know). */
export function isPermanentFeishuError(err: unknown): err is FeishuApiError {
  return err instanceof FeishuApiError && !err.retryable;
}

export type RunResult =
  /** `json`: a card callback's answer, serialised once (stored for duplicates, and sent as it is). */
  | { ok: true; answer: CallbackAnswer | undefined; json?: string }
  | { ok: false; permanent: boolean; err: unknown };

export interface Delivery {
  readonly deduper: Deduper;
  /**
   * Runs the handler for a claimed key under a held lease, and settles the claim: done on success and on a
   * permanent Feishu error, released otherwise. Never throws.
   */
  run(key: string, ev: InboundEvent, handle: EventHandler): Promise<RunResult>;
}

export function createDelivery(o: {
  redis: Redis;
  logger: DeliveryLogger;
  metrics?: DeliveryMetrics;
  leaseMs?: number;
}): Delivery {
  const deduper = new Deduper(o.redis, { leaseMs: o.leaseMs });
  const count = (outcome: string) => o.metrics?.delivery(outcome);
  return {
    deduper,
    async run(key, ev, handle) {
      const hold = deduper.hold(key);
      let result: RunResult;
      try {
        result = { ok: true, answer: await handle(ev) };
      } catch (err) {
        result = { ok: false, permanent: isPermanentFeishuError(err), err };
      } finally {
        hold.stop();
      }
      const isCard = ev.type === 'card_action';
      if (result.ok) {
        const json = isCard ? JSON.stringify(result.answer ?? {}) : undefined;
        // Marked done off the response path: a duplicate arriving meanwhile sees "running", which is answered
        // the same way (events: 200; callbacks: it waits for the stored answer).
        deduper.done(key, json ?? null, isCard ? CALLBACK_DONE_TTL_S : undefined, isCard ? answerKeyOf(ev) : undefined).catch((err: unknown) => {
          // The work is done; without the mark a later duplicate may redo it (sends carry uuids, so no second message).
          count('done_failed');
          o.logger.error({ err: (err as Error).message, eventId: ev.eventId }, 'could not mark an event done (Redis): a duplicate may repeat its work');
        });
        return json === undefined ? result : { ...result, json };
      }
      if (result.permanent) {
        const e = result.err as FeishuApiError;
        count('permanent_error');
        o.logger.error(
          { eventId: ev.eventId, type: ev.type, api: e.api, code: e.code, httpStatus: e.httpStatus, logId: e.logId },
          'Feishu refused a call permanently while handling an event; recorded as done (a re-push cannot help)',
        );
        await deduper.done(key, isCard ? '{}' : null, isCard ? CALLBACK_DONE_TTL_S : undefined).catch(() => count('done_failed'));
        return result;
      }
      await deduper.release(key).catch((err: unknown) => {
        count('release_failed');
        o.logger.warn(
          { err: (err as Error).message, eventId: ev.eventId, leaseMs: o.leaseMs ?? LEASE_MS },
          'could not release an event claim (Redis): it expires by itself, then the next delivery completes the work',
        );
      });
      return result;
    },
  };
}

/** Thrown by the durable job while another live delivery still holds the claim: BullMQ retries it later. */
export class StillRunning extends Error {
  constructor(eventId: string) {
    super(`event ${eventId} is still being handled elsewhere; retried later`);
    this.name = 'StillRunning';
  }
}

/**
 * The durable `event` job: completes an event that the edge answered before its work was done. Done already →
 * nothing to do; held by a live delivery → StillRunning (retried later); otherwise claims it and runs it. A
 * transient failure throws, so that BullMQ retries with backoff.
 */
export async function replayEvent(delivery: Delivery, ev: InboundEvent, handle: EventHandler, metrics?: DeliveryMetrics): Promise<void> {
  const key = dedupeKeyOf(ev);
  const claim = await delivery.deduper.claim(key);
  if (claim.kind === 'done') return;
  if (claim.kind === 'running') throw new StillRunning(ev.eventId);
  metrics?.delivery('replayed');
  const r = await delivery.run(key, ev, handle);
  if (!r.ok && !r.permanent) throw r.err;
}
