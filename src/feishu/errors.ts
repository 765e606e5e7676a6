// The one error type the outbound Feishu port throws, plus the error-code tables used by the retry policy.

export interface FeishuApiErrorInit {
  api: string;
  /** Feishu business code; -1 when the failure carried none (network error, empty body). */
  code: number;
  /** HTTP status; 0 when no response was received, 200 for a "HTTP 200 with code != 0" failure. */
  httpStatus: number;
  msg: string;
  /** `x-tt-logid` of the failing response, when Feishu sent one. */
  logId?: string;
  /** The failure belongs to a class worth retrying (rate limit, 5xx, network), but the wait budget ran out. */
  retryable: boolean;
  /** A known permanent failure (bot not in chat, card too old, no permission…): retrying cannot help. */
  terminal: boolean;
  attempts: number;
  cause?: unknown;
}

export class FeishuApiError extends Error {
  readonly api: string;
  readonly code: number;
  readonly httpStatus: number;
  readonly msg: string;
  readonly logId: string | undefined;
  readonly retryable: boolean;
  readonly terminal: boolean;
  readonly attempts: number;

  constructor(init: FeishuApiErrorInit) {
    super(
      `feishu ${init.api} failed: code=${init.code} http=${init.httpStatus} msg=${init.msg}` +
        (init.logId ? ` logId=${init.logId}` : ''),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'FeishuApiError';
    this.api = init.api;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.msg = init.msg;
    this.logId = init.logId;
    this.retryable = init.retryable;
    this.terminal = init.terminal;
    this.attempts = init.attempts;
  }
}

/** Gateway rate limit (HTTP 429 normally; some old APIs send it with HTTP 400). Wait `x-ogw-ratelimit-reset`. */
export const GATEWAY_RATE_LIMIT_CODE = 99991400;

/** permission-member create: the member already holds an equal or higher permission; counts as done. */
export const PERMISSION_ALREADY_HELD_CODE = 1063003;

/** Business-level rate limits and "busy, try again" codes: exponential backoff with jitter. */
export const BACKOFF_CODES: ReadonlySet<number> = new Set([
  230020, // send/reply/patch: triggers the frequency limit
  11232, // legacy: create message service trigger rate limit
  11233, // legacy: chat trigger rate limit
  11247, // legacy: rate limit
  232019, // group operation rate limit
  1000004, // rate limit (generic)
  1000005, // rate limit (generic)
  230049, // message with the same uuid is being sent
  1066001, // drive permission: server busy (permission-member create page, 2025-07)
  1066002, // drive permission: concurrent modification (same page)
  96002, // drive permission: concurrent modification
  1770036, // docx: folder locked by a concurrent create
]);

/** The tenant token was rejected: evict the cached token and retry once. */
export const TOKEN_INVALID_CODES: ReadonlySet<number> = new Set([
  99991663, // tenant token invalid
  99991661, // missing token
  99991671, // token must start with t-/u-
]);

/** Known permanent failures: never retried, reported once. */
export const TERMINAL_CODES: ReadonlySet<number> = new Set([
  // auth / app
  10014, 10015, 99991664, 99991665, 99991672, 99991673,
  // messaging
  230001, 230002, 230006, 230011, 230013, 230017, 230018, 230022, 230025, 230027, 230028, 230029, 230031,
  230034, 230035, 230038, 230053, 230054, 230099, 230110, 10002, 10030, 11235, 19036,
  // chats
  232001, 232006, 232009, 232011, 232025,
  // ids that do not exist
  99992351, 99992352, 99992353, 99992354, 99992355, 99992356, 99992357, 99992358, 99992359, 99992360, 99992361,
  99992362, 99992363, 99992364,
  // docx
  1770001, 1770002, 1770004, 1770005, 1770006, 1770007, 1770014, 1770019, 1770021, 1770028, 1770029, 1770030,
  1770032, 1770033, 1770035, 1770037, 1770039, 1770040,
  // drive permission (permission-member create page, 2025-07): 1063001 bad param, 1063002 no permission,
  // 1063004 no share permission, 1063005 resource deleted; 1061002/1061004 are the older codes.
  // 1063003 is handled by the port as "already held" (PERMISSION_ALREADY_HELD_CODE).
  1063001, 1063002, 1063004, 1063005, 1061002, 1061004,
  // delayed card update
  11311, 100000, 100030, 200000, 200310, 200320, 300020, 300030, 300040, 300090,
]);
