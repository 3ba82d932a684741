/**
 * The request pipeline: every frame of every socket goes parse -> limits -> handler -> reply
 * (or error frame) -> what follows the reply, in order per connection, and is drained on stop.
 */
import { LIMITS } from "../shared/protocol.ts";
import { parseClientMessage, ProtocolError } from "../shared/parse.ts";
import type { ClientMessage, ServerMessage } from "../shared/protocol.ts";
import { ChatError } from "../shared/errors.ts";
import type { Chat } from "./domain/chat.ts";
import { encodeReply } from "./encoding.ts";
import { RateLimiter } from "./domain/rate-limit.ts";
import type { Clock, Logger } from "./domain/types.ts";
import type { Admission } from "./admission.ts";
import { errorFrame } from "./error-frame.ts";
import { afterReply, AUTH_TYPES, dispatch } from "./handlers.ts";
import { RequestLimits } from "./request-limits.ts";
import type { PipelineLimits } from "./request-limits.ts";
import { CLOSE_CODES, peekId } from "./sockets.ts";
import type { WsConn } from "./sockets.ts";
import type { Socket } from "./sockets.ts";

/** On stop, how long requests in progress (a send waiting for the disk) may take to finish. */
const DRAIN_MS = 5000;
/** What a frame refused for waiting behind a login is told to wait: about one hash's time. */
const QUEUED_RETRY_MS = 1000;
// Malformed frames (not JSON, unknown type, wrong fields, binary, over 64 KiB): past this
// burst at this rate a connection is closed with 4029. No correct client sends one.
const MALFORMED = { burst: 20, perSecond: 2 } as const;
/** What the pipeline works with. */
export interface PipelineDeps {
  chat: Chat;
  log: Logger;
  admission: Admission;
  clock: Clock;
}

/** Parses, limits, dispatches and answers requests; one per server. */
export class Pipeline {
  #d: PipelineDeps;
  #limits: PipelineLimits;
  #requests: RequestLimits;
  #malformed: RateLimiter;
  #inFlight = 0;
  #isStopping = false;
  #onDrained: (() => void) | null = null;

  /** A pipeline over `deps` with `limits`. */
  constructor(deps: PipelineDeps, limits: PipelineLimits) {
    this.#d = deps;
    this.#limits = limits;
    this.#requests = new RequestLimits(deps, limits);
    this.#malformed = new RateLimiter(MALFORMED, deps.clock);
  }

  /**
   * Take one frame of `ws`. A frame that arrives while a register/login/auth/logout of the
   * same connection is in flight waits for it: it must see who the connection is.
   */
  message(ws: Socket, raw: string | Buffer): void {
    const d = ws.data;
    const prior = d.queue;
    let next: Promise<void> | undefined;
    if (prior === null) {
      next = this.#handle(ws, raw);
    } else {
      // Frames sent while a login's password is checked would otherwise be kept, however many
      // and however large, until it ends: the socket is read as fast as the peer writes.
      const size = typeof raw === "string" ? raw.length : raw.byteLength;
      const max = this.#limits.queuedBytes;
      if (max > 0 && d.queuedSize + size > max) return this.#refuseQueued(ws, raw);
      d.queuedSize += size;
      next = prior.then(() => {
        d.queuedSize -= size;
        return this.#handle(ws, raw);
      });
    }
    if (next === undefined) return;
    d.queue = next;
    void next.then(() => {
      if (d.queue === next) d.queue = null;
    });
  }

  /** See `RequestLimits.chargeFrames`: a sync or catch-up page costs its user requests. */
  chargeFrames(user: string, frames: number): number {
    return this.#requests.chargeFrames(user, frames);
  }

  /** Start no new request; resolve once those in flight are answered, or after DRAIN_MS. */
  async drain(): Promise<void> {
    this.#isStopping = true;
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      this.#onDrained = resolve;
      setTimeout(resolve, DRAIN_MS).unref();
    });
  }

  #handle(ws: Socket, raw: string | Buffer): Promise<void> | undefined {
    // While stopping, requests in progress are answered but no new one is started.
    if (ws.readyState !== 1 || this.#isStopping) return;
    const msg = this.#parse(ws, raw);
    if (msg === null) return;
    const conn = ws.data.conn!;
    try {
      this.#requests.check(conn, msg);
    } catch (err) {
      this.#fail(ws, err, msg.id);
      return;
    }
    const done = this.#run(ws, msg);
    return AUTH_TYPES.has(msg.type) ? done : undefined;
  }

  // The request, or null when the frame is malformed (answered bad_request, and counted).
  #parse(ws: Socket, raw: string | Buffer): ClientMessage | null {
    let text: string;
    let id: string | undefined;
    if (typeof raw !== "string") {
      text = "binary frames are not accepted: send JSON text";
    } else if (raw.length > LIMITS.frameMax / 3 && Buffer.byteLength(raw) > LIMITS.frameMax) {
      text = `frame is larger than ${LIMITS.frameMax} bytes`;
      id = peekId(raw);
    } else {
      try {
        return parseClientMessage(raw);
      } catch (err) {
        text = err instanceof ProtocolError ? err.message : "malformed frame";
        id = peekId(raw);
      }
    }
    this.#fail(ws, new ChatError("bad_request", text), id);
    if (this.#limits.isMalformedGuarded && this.#malformed.take(ws.data.id) > 0) {
      this.#d.log.info("flood", { conn: ws.data.id, address: ws.data.address });
      ws.data.conn!.flush(); // the replies so far go out before the close
      ws.close(CLOSE_CODES.flood, "too many malformed frames");
    }
    return null;
  }

  // A request answered at once is answered in this turn; one that waits (for the disk, for
  // password hashing) is answered when its promise settles: one promise per request, no more.
  #run(ws: Socket, msg: ClientMessage): Promise<void> | undefined {
    this.#inFlight++;
    let result: ServerMessage | Promise<ServerMessage>;
    try {
      result = dispatch(this.#d.chat, ws.data.conn!, msg);
    } catch (err) {
      return this.#settle(ws, msg, false, err);
    }
    if (!(result instanceof Promise)) return this.#settle(ws, msg, true, result);
    return result.then(
      (value) => this.#settle(ws, msg, true, value),
      (err: unknown) => this.#settle(ws, msg, false, err),
    );
  }

  // Answer a request (its reply, or the error it threw) and run what follows the reply.
  #settle(
    ws: Socket,
    msg: ClientMessage,
    isOk: boolean,
    value: unknown,
  ): Promise<void> | undefined {
    const conn = ws.data.conn!;
    try {
      if (isOk) {
        const length = this.#reply(conn, value as ServerMessage, msg.id);
        // A sync page is charged by its events instead (chargeFrames).
        if (conn.user !== null && msg.type !== "sync")
          this.#requests.chargeReply(conn.user, length);
      } else this.#fail(ws, value, msg.id);
    } catch (err) {
      isOk = false;
      this.#fail(ws, err, msg.id);
    } finally {
      if (--this.#inFlight === 0) this.#onDrained?.();
    }
    if (!isOk) return;
    try {
      return afterReply(this.#d.chat, conn, msg)?.catch((err: unknown) =>
        this.#logAfterReply(conn, err),
      );
    } catch (err) {
      this.#logAfterReply(conn, err);
    }
  }

  // Returns the length of the frame sent (UTF-16 units).
  #reply(conn: WsConn, msg: ServerMessage, id: string | undefined): number {
    const text = encodeReply(msg, id);
    conn.sendText(text);
    return text.length;
  }

  // A refused request gets its error frame and the connection stays open, unless it keeps
  // sending while it has been told to wait (see `RequestLimits.ignoresWait`).
  #fail(ws: Socket, err: unknown, id: string | undefined): void {
    const conn = ws.data.conn!;
    const frame = errorFrame(err);
    if (err instanceof ChatError) {
      this.#d.log.info("refused", {
        conn: conn.id,
        address: conn.address,
        user: conn.user ?? undefined,
        code: err.code,
        reason: err.message,
      });
    } else {
      this.#d.log.error("internal", {
        conn: conn.id,
        error: err instanceof Error ? err.stack : String(err),
      });
    }
    this.#reply(conn, frame, id);
    if (!(err instanceof ChatError) || err.code !== "rate_limited") return;
    if (!this.#limits.isMalformedGuarded || ws.readyState !== 1) return;
    if (!this.#requests.ignoresWait(conn, err.retryAfterMs ?? 0)) return;
    this.#d.log.info("ignores_wait", { conn: conn.id, address: conn.address });
    conn.flush(); // the refusals so far go out before the close
    ws.close(CLOSE_CODES.flood, "ignores retryAfterMs");
  }

  // A frame past the bound of what may wait behind a login: answered now, not kept.
  #refuseQueued(ws: Socket, raw: string | Buffer): void {
    if (ws.readyState !== 1 || this.#isStopping) return;
    const text = "too many frames sent while this connection's login is checked; retry in 1 s";
    const id = typeof raw === "string" ? peekId(raw) : undefined;
    this.#fail(ws, new ChatError("rate_limited", text, QUEUED_RETRY_MS), id);
  }

  #logAfterReply(conn: WsConn, err: unknown): void {
    // The request was answered already; what follows it is best effort and retried next time.
    this.#d.log.error("after_reply", {
      conn: conn.id,
      error: err instanceof Error ? err.stack : String(err),
    });
  }
}
