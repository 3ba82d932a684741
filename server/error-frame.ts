/** The one place an error becomes the `error` frame a client receives. */
import type { ServerMessage } from "../shared/protocol.ts";
import { ChatError } from "../shared/errors.ts";

/** An `error` frame as sent to a client (before `replyTo` is set). */
export type ErrorFrame = Extract<ServerMessage, { type: "error" }>;

/**
 * The frame for a refused request: a ChatError keeps its code, message and retryAfterMs;
 * anything else is a bug and becomes `internal` with a fixed text (a stack never crosses the
 * wire; the caller logs it).
 */
export function errorFrame(err: unknown): ErrorFrame {
  if (!(err instanceof ChatError)) {
    return { type: "error", code: "internal", message: "internal server error" };
  }
  const frame: ErrorFrame = { type: "error", code: err.code, message: err.message };
  if (err.retryAfterMs !== undefined) frame.retryAfterMs = err.retryAfterMs;
  return frame;
}
