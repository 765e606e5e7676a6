// The webhook edge: POST /feishu/events for events AND card.action.trigger callbacks.
// raw body → url_verification → signature + timestamp → decrypt → token, then receive.ts (zod → dedupe →
// handler, answered within the deadline), which the long connection (ws.ts) shares. It knows nothing about
// reports: it ends in one typed InboundEvent.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics.ts';
import { decryptPayload, safeEqual, signBody } from './crypto.ts';
import { challengeSchema } from './inbound.ts';
import type { Receive } from './receive.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
export { BUSY_TOAST, UNAVAILABLE_TOAST } from './receive.ts';

export type { CallbackAnswer, EventHandler } from './delivery.ts';

export interface EdgeOptions {
  encryptKey?: string;
  verificationToken?: string;
  maxSkewS: number;
  metrics: Metrics;
  /** What happens after authentication (receive.ts): shared with the long connection. */
  receive: Receive;
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
  const receive = opts.receive;
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
    const r = await receive(body, req.log);
    if (r.isCard) opts.metrics.callbackLatency((performance.now() - started) / 1000);
    if (r.json !== undefined) return reply.code(r.status).type('application/json; charset=utf-8').send(r.json);
    return reply.code(r.status).send(r.body ?? {});
  });
};
