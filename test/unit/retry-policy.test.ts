// The retry policy as pure functions (describe → classify → decide) and the loop with an injected sleep.
// Errors here are hand-built in the shapes axios / the SDK produce; the HTTP behaviour is covered by
// test/integration/port-*.test.ts against the fake Open Platform.
import { describe, expect, it } from 'vitest';
import { FeishuApiError } from '../../src/feishu/errors.ts';
import {
  classifyFailure,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  describeFailure,
  type Failure,
  FeishuResponseFailure,
  type OutboundResult,
  type PortLogger,
  type RetryState,
  withRetry,
} from '../../src/feishu/retry.ts';

function axiosError(status: number, body: unknown, headers: Record<string, string> = {}, auth?: string) {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    code: 'ERR_BAD_REQUEST',
    config: { headers: auth ? { Authorization: `Bearer ${auth}` } : {}, url: 'http://x/open-apis/im/v1/messages' },
    response: { status, statusText: 'x', data: body, headers },
  });
}

function networkError(code: string) {
  return Object.assign(new Error(`connect ${code}`), { isAxiosError: true, code, config: {}, response: undefined });
}

const fresh = (): RetryState => ({ attempts: 1, waitedMs: 0, backoffSteps: 0, tokenRetried: false });
const f = (p: Partial<Failure>): Failure => ({ httpStatus: 400, code: -1, msg: 'm', network: false, ...p });

function recordingLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  const logger: PortLogger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { logger, lines };
}

describe('describeFailure', () => {
  it('reads status, code, msg, log id, reset header and the bearer token from an axios error', () => {
    const d = describeFailure(
      axiosError(
        429,
        { code: 99991400, msg: 'request trigger frequency limit' },
        { 'x-ogw-ratelimit-reset': '3', 'x-tt-logid': 'log-1' },
        't-secret',
      ),
    );
    expect(d).toEqual({
      httpStatus: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      logId: 'log-1',
      resetSeconds: 3,
      network: false,
      staleToken: 't-secret',
    });
  });

  it('treats an axios error without a response as a network failure', () => {
    expect(describeFailure(networkError('ECONNREFUSED'))).toMatchObject({ httpStatus: 0, code: -1, network: true });
    expect(describeFailure(networkError('ERR_INVALID_URL'))).toMatchObject({ network: false });
  });

  it('parses the SDK token error message and the port HTTP-200 failure', () => {
    expect(describeFailure(new Error('failed to get tenant_access_token, code: 10014, msg: app secret invalid'))).toMatchObject({
      httpStatus: 200,
      code: 10014,
    });
    expect(describeFailure(new FeishuResponseFailure(230020, 'limit'))).toMatchObject({ httpStatus: 200, code: 230020 });
  });
});

describe('classifyFailure', () => {
  it.each([
    [f({ httpStatus: 429, code: 99991400 }), 'rate_limit_reset'],
    [f({ httpStatus: 400, code: 99991400 }), 'rate_limit_reset'],
    [f({ httpStatus: 429, code: -1 }), 'rate_limit_reset'],
    [f({ code: 230020 }), 'rate_limit_backoff'],
    [f({ code: 11232 }), 'rate_limit_backoff'],
    [f({ code: 11233 }), 'rate_limit_backoff'],
    [f({ code: 99991663 }), 'token_invalid'],
    [f({ httpStatus: 200, code: 99991663 }), 'token_invalid'],
    [f({ code: 99991661 }), 'token_invalid'],
    [f({ code: 99991671 }), 'token_invalid'],
    [f({ httpStatus: 502 }), 'transient'],
    [f({ httpStatus: 0, network: true }), 'transient'],
    [f({ code: 230002 }), 'terminal'],
    [f({ code: 230031 }), 'terminal'],
    [f({ code: 230011 }), 'terminal'],
    [f({ code: 230110 }), 'terminal'],
    [f({ code: 232009 }), 'terminal'],
    [f({ code: 230099 }), 'terminal'],
    [f({ code: 230001 }), 'terminal'],
    [f({ code: 230025 }), 'terminal'],
    [f({ code: 1770032, httpStatus: 403 }), 'terminal'],
    [f({ code: 1770039 }), 'terminal'],
    [f({ code: 1770040 }), 'terminal'],
    [f({ code: 99991672 }), 'terminal'],
    // Drive permission, permission-member create page (2025-07): busy/concurrency retried, the rest terminal.
    [f({ code: 1066001 }), 'rate_limit_backoff'],
    [f({ code: 1066002 }), 'rate_limit_backoff'],
    [f({ code: 1063001 }), 'terminal'],
    [f({ code: 1063002, httpStatus: 403 }), 'terminal'],
    [f({ code: 1063004 }), 'terminal'],
    [f({ code: 1063005 }), 'terminal'],
    [f({ code: 123456 }), 'unknown'],
  ])('%j → %s', (failure, cls) => {
    expect(classifyFailure(failure)).toBe(cls);
  });
});

describe('decideRetry', () => {
  const zero = () => 0;

  it('waits x-ogw-ratelimit-reset seconds, or 1 s without the header', () => {
    expect(decideRetry(f({ httpStatus: 429, code: 99991400, resetSeconds: 2 }), fresh(), DEFAULT_RETRY_POLICY, zero)).toMatchObject({
      retry: true,
      waitMs: 2000,
      metric: 'rate_limited',
    });
    expect(decideRetry(f({ httpStatus: 429, code: 99991400 }), fresh(), DEFAULT_RETRY_POLICY, zero)).toMatchObject({
      retry: true,
      waitMs: 1000,
    });
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    const at = (steps: number, rnd: number) =>
      decideRetry(f({ code: 230020 }), { ...fresh(), backoffSteps: steps }, DEFAULT_RETRY_POLICY, () => rnd);
    expect(at(0, 0)).toMatchObject({ retry: true, waitMs: 250, metric: 'rate_limited' });
    expect(at(1, 0)).toMatchObject({ waitMs: 500 });
    expect(at(2, 0.999)).toMatchObject({ waitMs: 1999 });
    expect(at(10, 0)).toMatchObject({ waitMs: 4000 }); // cap 8000 → [4000, 8000]
    expect(decideRetry(f({ httpStatus: 503 }), fresh(), DEFAULT_RETRY_POLICY, zero)).toMatchObject({
      retry: true,
      waitMs: 250,
      metric: 'retry',
    });
  });

  it('evicts and retries a rejected token once, then gives up', () => {
    expect(decideRetry(f({ code: 99991663 }), fresh())).toMatchObject({ retry: true, waitMs: 0, evictToken: true, metric: 'retry' });
    expect(decideRetry(f({ code: 99991663 }), { ...fresh(), tokenRetried: true })).toMatchObject({
      retry: false,
      retryable: false,
      metric: 'error',
    });
  });

  it('never retries terminal or unknown codes', () => {
    expect(decideRetry(f({ code: 230002 }), fresh())).toEqual({
      retry: false,
      cls: 'terminal',
      metric: 'terminal',
      retryable: false,
      terminal: true,
    });
    expect(decideRetry(f({ code: 42 }), fresh())).toMatchObject({ retry: false, terminal: false, retryable: false, metric: 'error' });
  });

  it('gives up (retryable) when the next wait would exceed the budget', () => {
    const d = decideRetry(f({ httpStatus: 429, resetSeconds: 5 }), { ...fresh(), waitedMs: 16_000 }, DEFAULT_RETRY_POLICY, zero);
    expect(d).toMatchObject({ retry: false, retryable: true, terminal: false, metric: 'rate_limited' });
    const d2 = decideRetry(f({ httpStatus: 500 }), { ...fresh(), attempts: DEFAULT_RETRY_POLICY.maxAttempts }, DEFAULT_RETRY_POLICY, zero);
    expect(d2).toMatchObject({ retry: false, retryable: true, metric: 'error' });
  });
});

describe('withRetry', () => {
  function harness() {
    const sleeps: number[] = [];
    const metrics: OutboundResult[] = [];
    const { logger, lines } = recordingLogger();
    return {
      sleeps,
      metrics,
      lines,
      opts: {
        api: 'im.message.create',
        logger,
        metrics: { outbound: (_api: string, r: OutboundResult) => void metrics.push(r) },
        sleep: async (ms: number) => void sleeps.push(ms),
        random: () => 0,
      },
    };
  }

  it('retries through rate limits and a 5xx, then returns the value', async () => {
    const h = harness();
    const failures = [
      axiosError(429, { code: 99991400, msg: 'limit' }, { 'x-ogw-ratelimit-reset': '2' }),
      axiosError(400, { code: 230020, msg: 'limit' }),
      axiosError(502, 'bad gateway'),
    ];
    let calls = 0;
    const v = await withRetry(async () => {
      calls++;
      const e = failures.shift();
      if (e) throw e;
      return 'done';
    }, h.opts);
    expect(v).toBe('done');
    expect(calls).toBe(4);
    expect(h.sleeps).toEqual([2000, 250, 500]);
    expect(h.metrics).toEqual(['rate_limited', 'rate_limited', 'retry', 'ok']);
  });

  it('stops at a terminal code after one attempt, logs one line without the token, throws FeishuApiError', async () => {
    const h = harness();
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw axiosError(400, { code: 230002, msg: 'Bot is not in the chat' }, { 'x-tt-logid': 'L9' }, 't-very-secret-token');
    }, h.opts).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(FeishuApiError);
    expect(err).toMatchObject({ api: 'im.message.create', code: 230002, httpStatus: 400, terminal: true, retryable: false, logId: 'L9' });
    expect((err as FeishuApiError).cause).toBeUndefined();
    expect(h.metrics).toEqual(['terminal']);
    const visible = h.lines.filter((l) => l.level !== 'debug');
    expect(visible).toHaveLength(1);
    expect(visible[0]?.obj).toMatchObject({ api: 'im.message.create', code: 230002, msg: 'Bot is not in the chat', logId: 'L9' });
    expect(JSON.stringify(h.lines)).not.toContain('t-very-secret-token');
    expect(h.sleeps).toEqual([]);
  });

  it('evicts the token once with the stale token, and fails if the retry is rejected too', async () => {
    const h = harness();
    const evicted: Array<string | undefined> = [];
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw axiosError(400, { code: 99991663, msg: 'Invalid access token' }, {}, `t-stale-${calls}`);
      },
      { ...h.opts, onTokenInvalid: async (fl) => void evicted.push(fl.staleToken) },
    ).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(evicted).toEqual(['t-stale-1']);
    expect(err).toMatchObject({ code: 99991663, retryable: false, terminal: false, attempts: 2 });
    expect(h.metrics).toEqual(['retry', 'error']);
  });

  it('gives up within maxWaitMs with a retryable FeishuApiError', async () => {
    const h = harness();
    const err = await withRetry(async () => {
      throw axiosError(429, { code: 99991400, msg: 'limit' }, { 'x-ogw-ratelimit-reset': '4' });
    }, { ...h.opts, policy: { maxWaitMs: 10_000 } }).catch((e: unknown) => e);
    expect(h.sleeps).toEqual([4000, 4000]);
    expect(err).toMatchObject({ code: 99991400, httpStatus: 429, retryable: true, terminal: false, attempts: 3 });
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it('does not retry an error that is not Feishu-shaped, and keeps it as the cause', async () => {
    const h = harness();
    const boom = new TypeError('boom');
    const err = await withRetry(async () => {
      throw boom;
    }, h.opts).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: -1, httpStatus: 0, retryable: false });
    expect((err as FeishuApiError).cause).toBe(boom);
    expect(h.metrics).toEqual(['error']);
  });
});
