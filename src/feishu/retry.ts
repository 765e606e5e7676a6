// The retry policy for every outbound Feishu call, in one place:
//   describeFailure(err)   → a plain Failure (status, code, msg, log id, reset header), whatever threw;
//   classifyFailure(f)     → which class of failure it is (pure);
//   decideRetry(f, state)  → retry after N ms (maybe evicting the token) or give up (pure);
//   withRetry(fn, opts)    → the loop, with injected sleep/random, metrics and one log line on give-up.
import {
  BACKOFF_CODES,
  FeishuApiError,
  GATEWAY_RATE_LIMIT_CODE,
  TERMINAL_CODES,
  TOKEN_INVALID_CODES,
} from './errors.ts';

export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;
export interface PortLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}

export type OutboundResult = 'ok' | 'rate_limited' | 'retry' | 'terminal' | 'error';
export interface OutboundMetrics {
  outbound(api: string, result: OutboundResult): void;
}

/** What one failed attempt looked like, independent of who threw (axios, the SDK token manager, the port). */
export interface Failure {
  /** 0 when no HTTP response was received. */
  httpStatus: number;
  /** Feishu code, -1 when there was none. */
  code: number;
  msg: string;
  logId?: string;
  /** `x-ogw-ratelimit-reset` in seconds, when present and numeric. */
  resetSeconds?: number;
  /** True for transport failures (connection refused/reset, timeout…). */
  network: boolean;
  /** The bearer token the failing request carried, if visible. Used only for compare-and-evict; never logged. */
  staleToken?: string;
}

/** Thrown by the port for an HTTP 200 whose body has `code != 0` (or lacks the expected data). */
export class FeishuResponseFailure extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly httpStatus = 200,
  ) {
    super(`feishu response code=${code} msg=${msg}`);
    this.name = 'FeishuResponseFailure';
  }
}

/** axios codes that mean a programming/config error rather than a transport failure. */
const NON_TRANSIENT_AXIOS_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_DEPRECATED',
  'ERR_CANCELED',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

const NODE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  // AxiosHeaders has get(); plain objects are lower-cased by node.
  const getter = (headers as { get?: unknown }).get;
  const raw =
    typeof getter === 'function'
      ? (getter as (n: string) => unknown).call(headers, name)
      : (headers[name] ?? headers[name.toLowerCase()]);
  if (Array.isArray(raw)) return raw.length > 0 ? String(raw[0]) : undefined;
  return raw === undefined || raw === null ? undefined : String(raw);
}

function bearerOf(config: unknown): string | undefined {
  if (!isObject(config)) return undefined;
  const auth = headerValue(config.headers, 'Authorization') ?? headerValue(config.headers, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)$/.exec(auth) : null;
  return m?.[1];
}

const TOKEN_ERROR_RE = /^failed to get (?:tenant_access_token|app_access_token), code: (-?\d+|unknown), msg: (.*)$/s;

function isAxiosError(err: unknown): boolean {
  return isObject(err) && err.isAxiosError === true;
}

/** Turns anything a call can throw into a Failure. Pure. */
export function describeFailure(err: unknown): Failure {
  if (err instanceof FeishuResponseFailure) {
    return { httpStatus: err.httpStatus, code: err.code, msg: err.msg, network: false };
  }
  if (isObject(err) && isAxiosError(err)) {
    const response = err.response;
    if (isObject(response)) {
      const body = response.data;
      const status = typeof response.status === 'number' ? response.status : 0;
      const code = isObject(body) && typeof body.code === 'number' ? body.code : -1;
      const msg =
        isObject(body) && typeof body.msg === 'string'
          ? body.msg
          : typeof response.statusText === 'string' && response.statusText
            ? response.statusText
            : `HTTP ${status}`;
      const resetRaw = headerValue(response.headers, 'x-ogw-ratelimit-reset');
      const reset = resetRaw === undefined ? Number.NaN : Number(resetRaw);
      const f: Failure = { httpStatus: status, code, msg, network: false };
      const logId = headerValue(response.headers, 'x-tt-logid');
      if (logId) f.logId = logId;
      if (Number.isFinite(reset) && reset >= 0) f.resetSeconds = reset;
      const stale = bearerOf(err.config);
      if (stale) f.staleToken = stale;
      return f;
    }
    const axCode = typeof err.code === 'string' ? err.code : '';
    const message = typeof err.message === 'string' ? err.message : 'network error';
    return {
      httpStatus: 0,
      code: -1,
      msg: axCode ? `${axCode}: ${message}` : message,
      network: !NON_TRANSIENT_AXIOS_CODES.has(axCode),
    };
  }
  if (err instanceof Error) {
    const m = TOKEN_ERROR_RE.exec(err.message);
    if (m) {
      const code = m[1] === 'unknown' ? -1 : Number(m[1]);
      return { httpStatus: 200, code, msg: `token request failed: ${m[2] ?? ''}`, network: false };
    }
    const nodeCode = (err as { code?: unknown }).code;
    if (typeof nodeCode === 'string' && NODE_NETWORK_CODES.has(nodeCode)) {
      return { httpStatus: 0, code: -1, msg: `${nodeCode}: ${err.message}`, network: true };
    }
    return { httpStatus: 0, code: -1, msg: err.message, network: false };
  }
  return { httpStatus: 0, code: -1, msg: String(err), network: false };
}

export type FailureClass =
  | 'rate_limit_reset' // HTTP 429 / 99991400: wait x-ogw-ratelimit-reset
  | 'rate_limit_backoff' // 230020, 11232, 11233…: exponential backoff with jitter
  | 'token_invalid' // 99991663/99991661/99991671: evict the token, retry once
  | 'transient' // 5xx / network: backoff
  | 'terminal' // known permanent failure
  | 'unknown'; // anything else (e.g. a 4xx with a code we do not know): not retried

/** Pure. Order matters: a token error is a token error even with HTTP 429 or 5xx. */
export function classifyFailure(f: Failure): FailureClass {
  if (TOKEN_INVALID_CODES.has(f.code)) return 'token_invalid';
  if (f.httpStatus === 429 || f.code === GATEWAY_RATE_LIMIT_CODE) return 'rate_limit_reset';
  if (BACKOFF_CODES.has(f.code)) return 'rate_limit_backoff';
  if (TERMINAL_CODES.has(f.code)) return 'terminal';
  if (f.network || f.httpStatus >= 500) return 'transient';
  return 'unknown';
}

export interface RetryPolicy {
  /** Total time the loop may spend sleeping between attempts. Default 20 000. */
  maxWaitMs: number;
  /** Hard cap on attempts, a safety net under maxWaitMs. Default 10. */
  maxAttempts: number;
  /** Exponential backoff: step n waits in [base·2ⁿ/2, base·2ⁿ], capped at maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Wait when a 429 carries no reset header. */
  defaultResetMs: number;
  /** Upper bound of the random spread added to a reset wait, so instances do not wake together. */
  resetJitterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxWaitMs: 20_000,
  maxAttempts: 10,
  baseBackoffMs: 500,
  maxBackoffMs: 8_000,
  defaultResetMs: 1_000,
  resetJitterMs: 100,
};

export interface RetryState {
  /** Attempts made so far, including the one that just failed. */
  attempts: number;
  /** Sum of waits already slept. */
  waitedMs: number;
  /** Backoff steps already taken (rate_limit_backoff + transient share the exponent). */
  backoffSteps: number;
  /** A token eviction + retry already happened. */
  tokenRetried: boolean;
}

export type RetryDecision =
  | { retry: true; waitMs: number; evictToken: boolean; cls: FailureClass; metric: OutboundResult }
  | { retry: false; cls: FailureClass; metric: OutboundResult; retryable: boolean; terminal: boolean };

/** Pure: what to do after a failed attempt. `random` in [0,1). */
export function decideRetry(
  f: Failure,
  state: RetryState,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  const cls = classifyFailure(f);
  const rateLimited = cls === 'rate_limit_reset' || cls === 'rate_limit_backoff';
  const giveUp = (retryable: boolean): RetryDecision => ({
    retry: false,
    cls,
    metric: rateLimited ? 'rate_limited' : cls === 'terminal' ? 'terminal' : 'error',
    retryable,
    terminal: cls === 'terminal',
  });
  if (cls === 'terminal' || cls === 'unknown') return giveUp(false);
  if (cls === 'token_invalid') {
    if (state.tokenRetried || state.attempts >= policy.maxAttempts) return giveUp(false);
    return { retry: true, waitMs: 0, evictToken: true, cls, metric: 'retry' };
  }
  let waitMs: number;
  if (cls === 'rate_limit_reset') {
    const base = f.resetSeconds === undefined ? policy.defaultResetMs : Math.ceil(f.resetSeconds * 1000);
    waitMs = base + Math.floor(random() * policy.resetJitterMs);
  } else {
    const ceiling = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** state.backoffSteps);
    waitMs = Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  }
  if (state.attempts >= policy.maxAttempts || state.waitedMs + waitMs > policy.maxWaitMs) return giveUp(true);
  return { retry: true, waitMs, evictToken: false, cls, metric: rateLimited ? 'rate_limited' : 'retry' };
}

export interface WithRetryOptions {
  api: string;
  logger: PortLogger;
  metrics?: OutboundMetrics | undefined;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  policy?: Partial<RetryPolicy>;
  /** Called before the retry that follows a token_invalid failure. */
  onTokenInvalid?: (f: Failure) => Promise<void>;
}

/** Runs `fn` until it succeeds or the policy gives up; throws FeishuApiError. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: WithRetryOptions): Promise<T> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.policy };
  const random = opts.random ?? Math.random;
  const state: RetryState = { attempts: 0, waitedMs: 0, backoffSteps: 0, tokenRetried: false };
  for (;;) {
    state.attempts += 1;
    let failure: Failure;
    let cause: unknown;
    try {
      const value = await fn(state.attempts);
      opts.metrics?.outbound(opts.api, 'ok');
      return value;
    } catch (err) {
      cause = err;
      failure = describeFailure(err);
    }
    const d = decideRetry(failure, state, policy, random);
    opts.metrics?.outbound(opts.api, d.metric);
    const fields = {
      api: opts.api,
      code: failure.code,
      httpStatus: failure.httpStatus,
      msg: failure.msg,
      ...(failure.logId ? { logId: failure.logId } : {}),
      attempt: state.attempts,
    };
    if (!d.retry) {
      if (d.terminal) opts.logger.warn(fields, 'feishu call failed: terminal error, not retried');
      else if (d.retryable) opts.logger.error({ ...fields, waitedMs: state.waitedMs }, 'feishu call failed: retry budget exhausted');
      else opts.logger.error(fields, 'feishu call failed');
      throw new FeishuApiError({
        api: opts.api,
        code: failure.code,
        httpStatus: failure.httpStatus,
        msg: failure.msg,
        ...(failure.logId ? { logId: failure.logId } : {}),
        retryable: d.retryable,
        terminal: d.terminal,
        attempts: state.attempts,
        // An axios error carries the request config (Authorization header, body): never attach it, so that
        // logging the FeishuApiError (pino serialises causes) cannot leak the token.
        ...(isAxiosError(cause) ? {} : { cause }),
      });
    }
    opts.logger.debug({ ...fields, cls: d.cls, waitMs: d.waitMs }, 'feishu call will be retried');
    if (d.evictToken) {
      state.tokenRetried = true;
      await opts.onTokenInvalid?.(failure);
    }
    if (d.cls === 'rate_limit_backoff' || d.cls === 'transient') state.backoffSteps += 1;
    if (d.waitMs > 0) {
      state.waitedMs += d.waitMs;
      await opts.sleep(d.waitMs);
    }
  }
}
