// The webhook edge: POST /feishu/events for events AND card.action.trigger callbacks.
// raw body → url_verification → signature + timestamp → decrypt → token → zod → dedupe → handler, answered
// within the deadline. It knows nothing about reports: it ends in one typed InboundEvent.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { type Claim, LEASE_MS } from '../store/dedupe.ts';
import type { Metrics } from '../metrics.ts';
import { decryptPayload, safeEqual, signBody } from './crypto.ts';
import { type CallbackAnswer, createDelivery, dedupeKeyOf, type EventHandler } from './delivery.ts';
import { challengeSchema, type InboundEvent, InboundParseError, toInboundEvent } from './inbound.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
export const UNAVAILABLE_TOAST = '服务暂时不可用，请稍后再试';
export const BUSY_TOAST = '正在处理，请稍候…';

export type { CallbackAnswer, EventHandler } from './delivery.ts';

export interface EdgeOptions {
  encryptKey?: string;
  verificationToken?: string;
  maxSkewS: number;
  redis: Redis;
  metrics: Metrics;
  handle: EventHandler;
  /** The edge answers by then at the latest (Feishu allows 3 s). Default 2000 ms. */
  deadlineMs?: number;
  /**
   * Records an event durably (a job any instance's worker runs, see delivery.ts replayEvent), for an event
   * whose handler outlived the deadline or failed transiently. Without it such events are answered 5xx, so
   * that Feishu re-pushes them.
   */
  persist?: (ev: InboundEvent, o: { delayMs: number }) => Promise<void>;
  now?: () => number;
}

class Refused extends Error {
  constructor(
    public readonly status: 400 | 401,
    public readonly reason: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Refused(400, `${what} is not valid JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Refused(400, `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

export const feishuEdge: FastifyPluginAsync<EdgeOptions> = async (app: FastifyInstance, opts) => {
  const delivery = createDelivery({ redis: opts.redis, logger: app.log, metrics: opts.metrics });
  const deduper = delivery.deduper;
  const deadlineMs = opts.deadlineMs ?? 2000;
  const now = opts.now ?? Date.now;

  // Raw bytes: the signature covers the body exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { code?: string; statusCode?: number; message: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      opts.metrics.event('unparsed', 'bad_request');
      req.log.warn({ reason: 'body too large' }, 'feishu webhook refused');
      return reply.code(400).send({ error: 'body too large' });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(400).send({ error: 'bad request' });
    }
    req.log.error({ err }, 'feishu webhook failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  /** Authenticates and decodes the body. Returns the plaintext JSON object. */
  function open(raw: Buffer, headers: Record<string, string | string[] | undefined>): Record<string, unknown> {
    if (raw.length === 0) throw new Refused(400, 'empty body');
    const outer = parseJsonObject(raw.toString('utf8'), 'body');
    const ts = header(headers, 'x-lark-request-timestamp');
    const nonce = header(headers, 'x-lark-request-nonce');
    const sig = header(headers, 'x-lark-signature');
    let signed = false;
    if (opts.encryptKey && (ts || nonce || sig)) {
      if (!ts || !nonce || !sig) throw new Refused(401, 'incomplete signature headers');
      const expected = signBody(ts, nonce, opts.encryptKey, raw);
      if (!safeEqual(expected, sig.toLowerCase())) throw new Refused(401, 'signature mismatch');
      const tsNum = Number(ts);
      const nowS = Math.floor(now() / 1000);
      if (!Number.isFinite(tsNum) || Math.abs(nowS - tsNum) > opts.maxSkewS) {
        throw new Refused(401, 'timestamp outside the allowed window (FEISHU_MAX_SKEW_S)', {
          requestTimestamp: ts,
          serverTimestamp: nowS,
          maxSkewS: opts.maxSkewS,
        });
      }
      signed = true;
    }
    let body = outer;
    if (typeof outer.encrypt === 'string') {
      if (!opts.encryptKey) throw new Refused(400, 'encrypted body but FEISHU_ENCRYPT_KEY is not set');
      let plain: string;
      try {
        plain = decryptPayload(opts.encryptKey, outer.encrypt);
      } catch {
        throw new Refused(signed ? 400 : 401, 'body does not decrypt with FEISHU_ENCRYPT_KEY');
      }
      body = parseJsonObject(plain, 'decrypted body');
    }
    // Without signature headers only the URL verification is accepted (Feishu may not sign it).
    if (opts.encryptKey && !signed && body.type !== 'url_verification') throw new Refused(401, 'missing signature');
    return body;
  }

  function checkToken(token: unknown): void {
    if (!opts.verificationToken) return;
    if (typeof token !== 'string' || !safeEqual(token, opts.verificationToken)) throw new Refused(401, 'verification token mismatch');
  }

  /** Hands the event to a durable job. False when that is impossible (no job queue, Redis down). */
  async function persist(ev: InboundEvent, delayMs: number, log: FastifyRequest['log']): Promise<boolean> {
    if (!opts.persist) return false;
    try {
      await opts.persist(ev, { delayMs });
      opts.metrics.delivery('persisted');
      return true;
    } catch (err) {
      opts.metrics.delivery('persist_failed');
      log.error({ err: (err as Error).message, eventId: ev.eventId }, 'could not record the event as a job (Redis): answered 5xx so that Feishu re-pushes it');
      return false;
    }
  }

  async function answerCard(reply: FastifyReply, started: number, answer: CallbackAnswer | undefined): Promise<FastifyReply> {
    opts.metrics.callbackLatency((performance.now() - started) / 1000);
    return reply.code(200).send(answer ?? {});
  }

  app.post('/feishu/events', async (req, reply) => {
    const started = performance.now();
    const raw = req.body as Buffer;
    let body: Record<string, unknown>;
    try {
      body = open(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? '')), req.headers);
    } catch (e) {
      if (e instanceof Refused) {
        opts.metrics.event('unparsed', e.status === 401 ? 'refused' : 'bad_request');
        req.log.warn({ reason: e.reason, ...e.details }, 'feishu webhook refused');
        return reply.code(e.status).send({ error: e.status === 401 ? 'unauthorized' : 'bad request' });
      }
      throw e;
    }

    if (body.type === 'url_verification') {
      const c = challengeSchema.safeParse(body);
      if (!c.success) return reply.code(400).send({ error: 'bad request' });
      try {
        checkToken(c.data.token);
      } catch (e) {
        opts.metrics.event('url_verification', 'refused');
        req.log.warn({ reason: (e as Error).message }, 'feishu webhook refused');
        return reply.code(401).send({ error: 'unauthorized' });
      }
      opts.metrics.event('url_verification', 'ok');
      return reply.code(200).send({ challenge: c.data.challenge });
    }

    try {
      checkToken(((body.header ?? {}) as Record<string, unknown>).token);
    } catch (e) {
      opts.metrics.event('unparsed', 'refused');
      req.log.warn({ reason: (e as Error).message }, 'feishu webhook refused');
      return reply.code(401).send({ error: 'unauthorized' });
    }
    // From here on the body is genuine (signed and decrypted, or token-checked): it is never refused, because a
    // refused event is re-pushed and then dropped. Drift is logged (paths only, never values), counted, and the
    // event handled when what remains is enough.
    const drifted: string[] = [];
    let ev: InboundEvent;
    try {
      ev = toInboundEvent(body, {
        onDrift: (eventType, path) => {
          drifted.push(path);
          opts.metrics.schemaDrift(eventType, path);
        },
      });
    } catch (e) {
      const type = e instanceof InboundParseError ? e.eventType : 'unparsed';
      opts.metrics.event(type, 'drift_unhandled');
      req.log.warn({ eventType: type, paths: drifted, reason: (e as Error).message }, 'genuine Feishu event does not match the schema and cannot be handled; answered 200');
      return reply.code(200).send({});
    }
    if (drifted.length > 0) {
      req.log.warn({ eventId: ev.eventId, type: ev.type, paths: drifted }, 'genuine Feishu event drifted from the schema; the drifted fields were dropped');
    }

    const isCard = ev.type === 'card_action';
    if (ev.type === 'unknown') {
      opts.metrics.event(ev.eventType, 'ignored');
      return reply.code(200).send({});
    }

    const key = dedupeKeyOf(ev);
    let claim: Claim;
    try {
      claim = await deduper.claim(key);
    } catch (err) {
      opts.metrics.event(ev.type, 'unavailable');
      req.log.error({ err: (err as Error).message }, 'Redis unavailable: check REDIS_URL');
      if (isCard) return answerCard(reply, started, { toast: { type: 'error', content: UNAVAILABLE_TOAST } });
      return reply.code(503).send({ error: 'unavailable' });
    }

    if (claim.kind !== 'claimed') {
      opts.metrics.event(ev.type, 'duplicate');
      if (!isCard) return reply.code(200).send({});
      let answer = claim.kind === 'done' ? claim.answer : await deduper.awaitDone(key, Math.min(1000, deadlineMs)).catch(() => undefined);
      if (answer === undefined) return answerCard(reply, started, { toast: { type: 'info', content: BUSY_TOAST } });
      if (answer === null) answer = '{}';
      return answerCard(reply, started, JSON.parse(answer) as CallbackAnswer);
    }

    const work = delivery.run(key, ev, opts.handle);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const result = await Promise.race([work, late]);
    clearTimeout(timer);

    if (result === 'late') {
      opts.metrics.event(ev.type, 'late');
      req.log.warn({ eventId: ev.eventId, type: ev.type, deadlineMs }, 'handler outlived the deadline; answered early');
      // A click is not re-pushed: the user sees 正在处理 and the work goes on here, settling its own claim.
      if (isCard) return answerCard(reply, started, { toast: { type: 'info', content: BUSY_TOAST } });
      // An event is answered 200 only once it is durably recorded: if this process dies, a worker elsewhere
      // completes it once the claim's lease has run out.
      return (await persist(ev, LEASE_MS, req.log)) ? reply.code(200).send({}) : reply.code(503).send({ error: 'unavailable' });
    }
    if (!result.ok) {
      if (result.permanent) {
        opts.metrics.event(ev.type, 'permanent_error');
        if (isCard) return answerCard(reply, started, { toast: { type: 'error', content: UNAVAILABLE_TOAST } });
        return reply.code(200).send({});
      }
      opts.metrics.event(ev.type, 'failed');
      req.log.error({ err: result.err, eventId: ev.eventId, type: ev.type }, 'handler failed');
      if (isCard) return answerCard(reply, started, { toast: { type: 'error', content: UNAVAILABLE_TOAST } });
      // Retried by a job (sooner than Feishu's 15 s re-push); when even that cannot be recorded, 500 makes
      // Feishu re-push, and the released claim lets that delivery complete the work.
      return (await persist(ev, 1000, req.log)) ? reply.code(200).send({}) : reply.code(500).send({ error: 'handler failed' });
    }
    opts.metrics.event(ev.type, 'ok');
    if (isCard) return answerCard(reply, started, result.answer);
    return reply.code(200).send({});
  });
};
