/** The one error class that carries a protocol error code, on both sides of the wire. */
import type { ErrorCode } from "./protocol.ts";

/**
 * A rule broken by a request. The server turns it into an `error` frame with this code and
 * message; the client makes one from an `error` frame, or from a check with the same meaning.
 */
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
