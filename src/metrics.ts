// Prometheus metrics (prom-client), one registry per app instance so that tests can build several apps.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  event(type: string, outcome: string): void;
  callbackLatency(seconds: number): void;
  outbound(api: string, result: string): void;
  /** A genuine event whose payload drifted from our schema at `path` (answered 200, handled where possible). */
  schemaDrift(eventType: string, path: string): void;
  /** Delivery bookkeeping that needs a look: a permanent Feishu error inside a handler, a failed release… */
  delivery(outcome: string): void;
  /** A Redis operation that failed during an outage, by source (request, queue, worker). */
  redisError(source: string): void;
  /** The long connection's state (1 for the current one, 0 for the others). */
  connectionState(state: string): void;
  /** Registers a function that reports queue depths at scrape time. */
  setQueueDepthSource(fn: () => Promise<Record<string, number>>): void;
  /** One 帮我起草 / 润色这段 model call: outcome (ok, flagged, timeout, rate_limited, server_error, empty, garbage, error, limit), latency, tokens. */
  draft(outcome: string, seconds?: number, tokens?: { prompt: number; completion: number }): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'shuzhi_' });
  const events = new Counter({
    name: 'shuzhi_events_total',
    help: 'Inbound Feishu events and callbacks by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'shuzhi_callback_latency_seconds',
    help: 'Time to answer a card callback',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [registry],
  });
  const outbound = new Counter({
    name: 'shuzhi_outbound_calls_total',
    help: 'Calls to the Feishu Open API by API and result',
    labelNames: ['api', 'result'] as const,
    registers: [registry],
  });
  const drift = new Counter({
    name: 'shuzhi_feishu_schema_drift_total',
    help: 'Genuine Feishu events whose payload did not match the schema, by event type and drifted path',
    labelNames: ['event_type', 'path'] as const,
    registers: [registry],
  });
  const delivery = new Counter({
    name: 'shuzhi_delivery_total',
    help: 'Event delivery bookkeeping: persisted (handed to a job), permanent_error, release_failed, done_failed, replayed',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: 'shuzhi_redis_errors_total',
    help: 'Redis operations that failed (an outage is logged once; its failures are counted here), by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const connection = new Gauge({
    name: 'shuzhi_feishu_connection_state',
    help: 'Long connection to Feishu (FEISHU_TRANSPORT=websocket): 1 for the current state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const STATES = ['connecting', 'connected', 'reconnecting', 'failed', 'closed'];
  const drafts = new Counter({
    name: 'shuzhi_drafts_total',
    help: '帮我起草 / 润色这段 requests by outcome (ok, flagged, timeout, rate_limited, server_error, empty, garbage, error, limit)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const draftLatency = new Histogram({
    name: 'shuzhi_draft_latency_seconds',
    help: 'Time of one drafting model call',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30],
    registers: [registry],
  });
  const draftTokens = new Counter({
    name: 'shuzhi_draft_tokens_total',
    help: 'Tokens of drafting model calls, by kind (prompt, completion)',
    labelNames: ['kind'],
    registers: [registry],
  });
  let depthSource: (() => Promise<Record<string, number>>) | undefined;
  new Gauge({
    name: 'shuzhi_queue_depth',
    help: 'Jobs waiting or delayed, by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      if (!depthSource) return;
      try {
        const depths = await depthSource();
        for (const [queue, n] of Object.entries(depths)) this.set({ queue }, n);
      } catch {
        // Redis down: leave the last values; /healthz reports the outage.
      }
    },
  });
  return {
    registry,
    event: (type, outcome) => events.inc({ type, outcome }),
    callbackLatency: (s) => latency.observe(s),
    outbound: (api, result) => outbound.inc({ api, result }),
    schemaDrift: (event_type, path) => drift.inc({ event_type, path }),
    delivery: (outcome) => delivery.inc({ outcome }),
    redisError: (source) => redisErrors.inc({ source }),
    connectionState: (state) => {
      for (const st of STATES) connection.set({ state: st }, st === state ? 1 : 0);
    },
    draft: (outcome, seconds, tokens) => {
      drafts.inc({ outcome });
      if (seconds !== undefined) draftLatency.observe(seconds);
      if (tokens) {
        draftTokens.inc({ kind: 'prompt' }, tokens.prompt);
        draftTokens.inc({ kind: 'completion' }, tokens.completion);
      }
    },
    setQueueDepthSource: (fn) => {
      depthSource = fn;
    },
  };
}
