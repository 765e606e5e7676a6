// The error every fake route throws: an HTTP status plus Feishu's {code, msg} body.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }
}

/** Feishu answers business errors with HTTP 400 and {code, msg} (reference §5.6). */
export function badRequest(code: number, msg: string): ApiError {
  return new ApiError(400, code, msg);
}
