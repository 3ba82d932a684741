import type { ErrorCode } from "../../shared/protocol.ts";

/** A rule broken by a request: becomes an `error` frame with this code and message. */
export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  /** `retryAfterMs` only with `rate_limited`. */
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = "ChatError";
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}
