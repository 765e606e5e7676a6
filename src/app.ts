// buildApp(deps): the fastify instance. It never listens (tests call app.inject or listen themselves).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import { type EventHandler, feishuEdge } from './feishu/edge.ts';
import { createReceiver, type Receive } from './feishu/receive.ts';
import type { InboundEvent } from './feishu/inbound.ts';
import type { Metrics } from './metrics.ts';

export interface AppDeps {
  redis: Redis;
  metrics: Metrics;
  handle: EventHandler;
  encryptKey?: string;
  verificationToken?: string;
  maxSkewS?: number;
  deadlineMs?: number;
  /** Records an event as a durable job (see feishu/delivery.ts). */
  persist?: (ev: InboundEvent, o: { delayMs: number }) => Promise<void>;
  /** A pino logger (fastify's own logger type); none = silent. */
  logger?: FastifyBaseLogger;
  now?: () => number;
  /** The receiver shared with the long connection; built from the deps above when omitted. */
  receive?: Receive;
  /** False in long-connection mode: POST /feishu/events is not served. Default true. */
  webhook?: boolean;
  /** Extra health condition (the long connection is up); /healthz answers 503 while it returns a reason. */
  unhealthy?: () => string | undefined;
  /** Extra routes (the playground) registered on the same server. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /**
   * Level of fastify's two lines per request ("incoming request", "request completed"). Default info; the
   * playground uses debug (its page polls and streams, a line per request would flood the console).
   * Request errors are logged at error either way.
   */
  requestLogLevel?: 'info' | 'debug';
}

/** Paths of secrets that must never reach a log line. */
export const REDACT = ['req.headers.authorization', 'req.headers["x-lark-signature"]', '*.app_secret', '*.appSecret', '*.encryptKey', '*.tenant_access_token'];

/** fastify's request lines at debug instead of info (errors keep their level). */
class DebugRequestLines extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) super.requestCompleted(error, request, reply);
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
  override routeNotFound(request: FastifyRequest): void {
    request.log.debug(`Route ${request.raw.method}:${request.raw.url} not found`);
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    ...(deps.requestLogLevel === 'debug' ? { logController: new DebugRequestLines() } : {}),
    bodyLimit: 2 * 1024 * 1024,
    return503OnClosing: true,
  });

  const receive =
    deps.receive ??
    createReceiver({ redis: deps.redis, metrics: deps.metrics, handle: deps.handle, persist: deps.persist, deadlineMs: deps.deadlineMs, logger: app.log });
  if (deps.webhook !== false) {
    await app.register(feishuEdge, {
      metrics: deps.metrics,
      receive,
      encryptKey: deps.encryptKey,
      verificationToken: deps.verificationToken,
      maxSkewS: deps.maxSkewS ?? 3600,
      now: deps.now,
    });
  }

  app.get('/healthz', async (_req, reply) => {
    try {
      const pong = await deps.redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected ${pong}`);
      const problem = deps.unhealthy?.();
      if (problem) return reply.code(503).send({ status: 'unavailable', redis: 'ok', feishu: problem });
      return reply.code(200).send({ status: 'ok', redis: 'ok' });
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', redis: (err as Error).message });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.code(200).header('content-type', deps.metrics.registry.contentType).send(text);
  });

  for (const p of deps.plugins ?? []) await p(app);
  return app;
}
