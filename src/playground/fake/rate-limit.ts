// Sliding-window rate limiter on an injected clock. A request is admitted only if every rule it is
// subject to admits it; only admitted requests are counted (Feishu's gateway counts what it lets
// through, so a client backing off after a 429 gets its quota back).
import { ApiError } from './errors.ts';

export interface RateRule {
  /** Counter key, e.g. 'msg:app' or `msg:chat:${chatId}`. */
  key: string;
  limit: number;
  windowMs: number;
  /** The error to answer when this rule trips. */
  reject: { status: number; code: number; msg: string };
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly enabled: () => boolean,
  ) {}

  /** Throws the ApiError of the first rule that is full; otherwise counts one hit on every rule. */
  acquire(rules: RateRule[]): void {
    if (!this.enabled()) return;
    const t = this.now();
    for (const r of rules) {
      const list = this.window(r.key, r.windowMs, t);
      if (list.length >= r.limit) {
        const oldest = list[0] ?? t;
        const resetS = Math.max(1, Math.ceil((oldest + r.windowMs - t) / 1000));
        throw new ApiError(r.reject.status, r.reject.code, r.reject.msg, {
          'x-ogw-ratelimit-limit': String(r.limit),
          'x-ogw-ratelimit-reset': String(resetS),
        });
      }
    }
    for (const r of rules) this.window(r.key, r.windowMs, t).push(t);
  }

  private window(key: string, windowMs: number, t: number): number[] {
    let list = this.hits.get(key);
    if (!list) {
      list = [];
      this.hits.set(key, list);
    }
    while (list.length > 0 && (list[0] ?? 0) <= t - windowMs) list.shift();
    return list;
  }
}

const GATEWAY = { code: 99991400, msg: 'request trigger frequency limit' };
export const gateway429 = { status: 429, ...GATEWAY };
export const gateway400 = { status: 400, ...GATEWAY };
export const imFrequency = {
  status: 400,
  code: 230020,
  msg: 'This operation triggers the frequency limit, please reduce the request rate.',
};
