// A Redis outage is one event for a person, not one log line per request: the first failure logs a warning,
// the recovery logs another with how long it lasted and how many operations failed meanwhile; everything in
// between is only counted (shuzhi_redis_errors_total{source}). Errors that need a person stay at error level
// elsewhere (a failed job, a permanent Feishu error).

export interface OutageLogger {
  warn(o: object, msg?: string): void;
}

export interface OutageTracker {
  /** A Redis operation failed (source: request, queue, worker…). */
  failed(source: string, err: unknown): void;
  /** Redis answers again (the client's 'ready' event). */
  recovered(): void;
  readonly down: boolean;
}

export function createOutageTracker(o: { logger: OutageLogger; count?: (source: string) => void; now?: () => number }): OutageTracker {
  const now = o.now ?? Date.now;
  let since: number | undefined;
  let failures = 0;
  return {
    failed(source, err) {
      o.count?.(source);
      failures++;
      if (since !== undefined) return;
      since = now();
      o.logger.warn({ source, err: err instanceof Error ? err.message : String(err) }, 'Redis unreachable: answering 503 to events and a "稍后再试" toast to clicks until it is back (check REDIS_URL / REDIS_SENTINELS)');
    },
    recovered() {
      if (since === undefined) return;
      o.logger.warn({ downMs: now() - since, failedOperations: failures }, 'Redis reachable again');
      since = undefined;
      failures = 0;
    },
    get down() {
      return since !== undefined;
    },
  };
}
