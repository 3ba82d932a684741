/**
 * The client's WebSocket connection: request/reply by id, events, and reconnection.
 *
 * One class over the global WebSocket. `request` numbers each frame and settles with the
 * reply that echoes the number; everything else is an event. With `reconnect`, a dropped
 * connection is re-dialled with backoff (0.5 s doubling to 30 s, with jitter) and
 * re-authenticated with the session token; requests made meanwhile wait and are sent then.
 * A re-authentication refused as `rate_limited` waits the `retryAfterMs` it names (bounded,
 * with jitter) and tries again; only a refused session (`auth_failed`) ends it. Its parts:
 * socket.ts dials, pending.ts keeps the requests, event-feed.ts the listeners,
 * session-keeper.ts the session, retry-policy.ts when to try again.
 */
import type { ClientMessage, ServerMessage } from "../shared/protocol.ts";
import type { ConnectionOptions, ConnectionState } from "./connection-options.ts";
import { ChatError, ConnectionError } from "./errors.ts";
import { EventFeed, type ServerEvent } from "./event-feed.ts";
import { errorFromReply, type Pending, PendingRequests } from "./pending.ts";
import { FINAL_AUTH_CODES, rateLimitDelay, RetryTimer } from "./retry-policy.ts";
import { SessionKeeper } from "./session-keeper.ts";
import { dial } from "./socket.ts";

/** How to open a connection and its states (connection-options.ts defines them). */
export type { ConnectionOptions, ConnectionState } from "./connection-options.ts";
/** An event (event-feed.ts defines it: the connection's parts import it from there). */
export type { ServerEvent } from "./event-feed.ts";
/** When to try again (retry-policy.ts defines it). */
export { backoffDelay, FINAL_AUTH_CODES, rateLimitDelay } from "./retry-policy.ts";

/** A live connection to a chat server. */
export class Connection {
  readonly #opts: ConnectionOptions;
  #ws: WebSocket | null = null;
  #state: ConnectionState = "connecting";
  #serverName = "";
  #nextId = 1;
  readonly #retry = new RetryTimer();
  #isClosing = false;
  readonly #pending = new PendingRequests();
  readonly #events = new EventFeed();
  #authenticating: Promise<void> | null = null;
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  readonly #session: SessionKeeper;

  private constructor(opts: ConnectionOptions) {
    this.#opts = opts;
    this.#session = new SessionKeeper(opts);
  }

  /** With `resume`: the cursor a reconnect resumes from (null before the first session). */
  get cursor(): string | null {
    return this.#session.cursor;
  }

  /**
   * Connect, wait for `welcome`, and authenticate when a token is given. Rejects with
   * ConnectionError (unreachable or no answer within timeoutMs) or ChatError (token refused).
   */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const conn = new Connection(opts);
    try {
      await conn.#dial();
      const token = conn.#session.token;
      if (token) await conn.#authenticate(token);
    } catch (err) {
      conn.close();
      throw err;
    }
    conn.#setState("open");
    return conn;
  }

  /**
   * Authenticate a connection opened without a token (for example one dialled before it
   * was known whether the command needs a session). Reconnects reuse the token. On
   * failure the connection is closed and the error rethrown.
   */
  authenticate(token: string): Promise<void> {
    this.#session.token = token;
    const authenticating = this.#authenticate(token).then(
      () => {
        if (this.#authenticating === authenticating) this.#authenticating = null;
      },
      (err: unknown) => {
        this.close();
        throw err;
      },
    );
    // Requests made meanwhile are sent at once (the server handles a connection's frames
    // after its auth, in order) and settle only once the session is confirmed.
    this.#authenticating = authenticating;
    authenticating.catch(() => {
      // The caller of authenticate() gets the error; requests waiting on it get it too.
    });
    return authenticating;
  }

  /** The server URL. */
  get url(): string {
    return this.#opts.url;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The logged-in user, once a session exists (auth, login or register). */
  get user(): string | null {
    return this.#session.user;
  }

  /** The session token in use, learnt from the options or a `session` reply. */
  get token(): string | null {
    return this.#session.token;
  }

  /**
   * While reconnecting: when the next attempt starts (Date.now() milliseconds); null while
   * an attempt is under way and whenever the connection is not reconnecting.
   */
  get nextRetryAt(): number | null {
    return this.#retry.nextAt;
  }

  /** The server's name from its `welcome` frame. */
  get serverName(): string {
    return this.#serverName;
  }

  /**
   * Send a request and wait for its reply. Rejects with ChatError on an `error` reply and
   * with ConnectionError when no reply comes within timeoutMs or the connection closes.
   * While reconnecting, the request waits and is sent once the connection is back.
   */
  request(msg: ClientMessage): Promise<ServerMessage> {
    if (this.#state === "closed") {
      return Promise.reject(new ConnectionError("closed", "the connection is closed"));
    }
    const frame = { ...msg, id: String(this.#nextId++) };
    if ((frame.type === "login" || frame.type === "register") && frame.mode === undefined) {
      frame.mode = this.#opts.mode;
    }
    // A message resent after a reconnect must not be stored twice.
    if ((frame.type === "send" || frame.type === "dm") && frame.clientId === undefined) {
      frame.clientId = crypto.randomUUID();
    }
    const seconds = this.#opts.timeoutMs / 1000;
    const { pending, reply } = this.#pending.add(
      frame,
      this.#opts.timeoutMs,
      () => new ConnectionError("timeout", `no reply from the server within ${seconds} s`),
    );
    if (this.#state === "open") this.#transmit(pending);
    const authenticating = this.#authenticating;
    if (!authenticating) return reply;
    // A failed authentication is the error to report, not the refusal of this request.
    reply.catch(() => {});
    return authenticating.then(() => reply);
  }

  /** Listen to every frame that is not a reply. Returns a function that stops listening. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return this.#events.listen(listener);
  }

  /** Listen to state changes. Returns a function that stops listening. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Close for good: pending requests fail, no reconnect. */
  close(): void {
    if (this.#isClosing) return;
    this.#isClosing = true;
    this.#retry.cancel();
    const ws = this.#ws;
    this.#ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, "bye");
    this.#pending.failAll(new ConnectionError("closed", "the connection was closed"));
    this.#setState("closed");
  }

  // Opens one socket and resolves once `welcome` arrives.
  async #dial(): Promise<void> {
    this.#serverName = await dial(this.#opts, {
      created: (ws) => {
        this.#ws = ws;
      },
      frame: (frame) => this.#route(frame),
      dropped: (ws) => {
        if (this.#ws !== ws) return;
        this.#ws = null;
        this.#onDrop();
      },
    });
  }

  async #authenticate(token: string): Promise<void> {
    const since = this.#session.since;
    const frame = {
      type: "auth",
      id: String(this.#nextId++),
      token,
      mode: this.#opts.mode,
      // Each page of what was missed as one frame: a catch-up costs the server far less.
      ...(since === null ? {} : { since, batch: true }),
    } as const;
    const { pending, reply: replied } = this.#pending.add(
      frame,
      this.#opts.timeoutMs,
      () => new ConnectionError("timeout", "no reply to authentication in time"),
    );
    this.#transmit(pending);
    const reply = await replied;
    if (reply.type === "session") this.#session.user = reply.user;
  }

  #transmit(pending: Pending): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify(pending.frame));
    pending.isSent = true;
  }

  #route(frame: ServerEvent): void {
    const replyTo = typeof frame.replyTo === "string" ? frame.replyTo : null;
    if (replyTo === null) {
      this.#session.followed(frame);
      this.#events.deliver(frame);
      return;
    }
    const pending = this.#pending.take(replyTo);
    // A reply to a request that already timed out: nobody waits for it any more.
    if (!pending) return;
    if (frame.type === "error") {
      pending.reject(errorFromReply(frame));
      return;
    }
    const reply = frame as unknown as ServerMessage;
    this.#session.replied(pending.frame.type, reply);
    pending.resolve(reply);
  }

  #onDrop(): void {
    if (this.#isClosing) return;
    if (!this.#opts.reconnect) {
      this.#pending.failAll(new ConnectionError("closed", "the server closed the connection"));
      this.#isClosing = true;
      this.#setState("closed");
      return;
    }
    for (const pending of this.#pending.all()) pending.isSent = false;
    this.#setState("reconnecting");
    this.#retry.schedule(() => void this.#reconnect());
  }

  async #reconnect(): Promise<void> {
    try {
      await this.#dial();
      if (this.#isClosing) return;
      const token = this.#session.token;
      if (token) await this.#authenticate(token);
    } catch (err) {
      if (!this.#isClosing) this.#reconnectFailed(err);
      return;
    }
    if (this.#isClosing) return;
    this.#retry.succeeded();
    this.#setState("open");
    for (const pending of this.#pending.all()) if (!pending.isSent) this.#transmit(pending);
  }

  // Try again later, unless the session itself was refused.
  #reconnectFailed(err: unknown): void {
    if (err instanceof ChatError && err.code === "bad_request" && this.#session.cursor !== null) {
      // The cursor is not from this server (another one, or its data was reset): what was
      // missed cannot be had; go on from now rather than retry a refusal forever.
      this.#session.cursor = null;
      this.#events.broadcast({ type: "error", code: "bad_request", message: err.message });
    } else if (err instanceof ChatError && FINAL_AUTH_CODES.has(err.code)) {
      // The session was revoked or expired: retrying cannot help.
      this.#events.broadcast({ type: "error", code: err.code, message: err.message });
      this.close();
      return;
    }
    // Detached before closing: its close must not count as another drop.
    const ws = this.#ws;
    this.#ws = null;
    ws?.close();
    const isLimited = err instanceof ChatError && err.code === "rate_limited";
    const delay = isLimited ? rateLimitDelay(err.retryAfterMs) : undefined;
    this.#retry.schedule(() => void this.#reconnect(), delay);
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
