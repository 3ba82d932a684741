/** The requests of a connection that wait for their reply, by request id. */
import { type ClientMessage, isErrorCode, type ServerMessage } from "../shared/protocol.ts";
import type { ServerEvent } from "./event-feed.ts";
import { ChatError } from "./errors.ts";

/** A request waiting for its reply; `isSent` is false until it went out on the current socket. */
export interface Pending {
  frame: ClientMessage & { id: string };
  resolve: (reply: ServerMessage) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  isSent: boolean;
}

/** Requests by id, each failed with its own error when no reply comes in time. */
export class PendingRequests {
  readonly #byId = new Map<string, Pending>();

  /** Wait for the reply to `frame`; after timeoutMs it is forgotten and `timedOut()` thrown. */
  add(
    frame: ClientMessage & { id: string },
    timeoutMs: number,
    timedOut: () => Error,
  ): { pending: Pending; reply: Promise<ServerMessage> } {
    let pending!: Pending;
    const reply = new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#byId.delete(frame.id);
        reject(timedOut());
      }, timeoutMs);
      pending = { frame, resolve, reject, timer, isSent: false };
      this.#byId.set(frame.id, pending);
    });
    return { pending, reply };
  }

  /** The request `id` answers, no longer waiting; undefined when none waits (it timed out). */
  take(id: string): Pending | undefined {
    const pending = this.#byId.get(id);
    if (!pending) return undefined;
    this.#byId.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  /** Every request still waiting, in the order they were made. */
  all(): IterableIterator<Pending> {
    return this.#byId.values();
  }

  /** Fail every waiting request with `err`. */
  failAll(err: Error): void {
    for (const pending of this.#byId.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.#byId.clear();
  }
}

/** The ChatError an `error` reply stands for; odd fields fall back to safe values. */
export function errorFromReply(frame: ServerEvent): ChatError {
  const code = isErrorCode(frame.code) ? frame.code : "internal";
  const message = typeof frame.message === "string" ? frame.message : "unknown error";
  const retry = typeof frame.retryAfterMs === "number" ? frame.retryAfterMs : undefined;
  return new ChatError(code, message, retry);
}
