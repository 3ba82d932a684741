import type { ServerMessage } from "../../shared/protocol.ts";

/** Any frame received from the server, typed loosely for assertions. */
export type Frame = ServerMessage & Record<string, unknown>;

const DEFAULT_TIMEOUT_MS = 5000;

interface Waiter {
  match: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
}

/**
 * A WebSocket test client: `request` sends a frame and resolves with the reply carrying its
 * id; events (frames without `replyTo`) queue up and are taken with `next` or `waitFor`.
 */
export class TestClient {
  readonly ws: WebSocket;
  /** Every frame received, in order, replies included. */
  readonly received: Frame[] = [];
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  #events: Frame[] = [];
  #waiters: Waiter[] = [];
  #replies = new Map<string, (f: Frame) => void>();
  #nextId = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    // Listeners attached in the constructor's tick: frames that arrive earlier are lost.
    ws.addEventListener("message", (ev) => this.#onFrame(String(ev.data)));
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (ev) => resolve({ code: ev.code, reason: ev.reason }));
    });
  }

  /** Connect (with extra HTTP `headers` on the upgrade) and wait for the server's `welcome`. */
  static async connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url, headers ? { headers } : undefined));
    await new Promise<void>((resolve, reject) => {
      client.ws.addEventListener("open", () => resolve(), { once: true });
      client.ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), {
        once: true,
      });
    });
    await client.next("welcome");
    return client;
  }

  /** Send a request (an `id` is added when missing) and resolve with its reply. */
  request(msg: Record<string, unknown>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const id = typeof msg.id === "string" ? msg.id : `r${++this.#nextId}`;
    const reply = new Promise<Frame>((resolve) => this.#replies.set(id, resolve));
    this.ws.send(JSON.stringify({ ...msg, id }));
    return withTimeout(reply, timeoutMs, `no reply to ${JSON.stringify(msg).slice(0, 200)}`);
  }

  /** Like `request`, but throws when the reply is an `error`. */
  async call(msg: Record<string, unknown>): Promise<Frame> {
    const reply = await this.request(msg);
    if (reply.type === "error")
      throw new Error(`${String(msg.type)} failed: ${reply.code} ${reply.message}`);
    return reply;
  }

  /** Send raw text or bytes as they are. */
  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** Take the next queued event of `type`, waiting for it. */
  next(type: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    return this.waitFor((f) => f.type === type, timeoutMs, `no '${type}' event`);
  }

  /** Take the first queued event that matches, waiting for it. */
  waitFor(
    match: (f: Frame) => boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    what = "no matching event",
  ): Promise<Frame> {
    const i = this.#events.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#events.splice(i, 1)[0]!);
    const waiter: Waiter = { match, resolve: () => {} };
    const found = new Promise<Frame>((resolve) => {
      waiter.resolve = resolve;
      this.#waiters.push(waiter);
    });
    // A waiter that timed out must not swallow a later frame.
    return withTimeout(found, timeoutMs, what).catch((err: unknown) => {
      this.#waiters = this.#waiters.filter((x) => x !== waiter);
      throw err;
    });
  }

  /** Queued events not taken yet (to assert that something did NOT arrive). */
  pending(): Frame[] {
    return [...this.#events];
  }

  /** Close and wait until closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close();
    }
    await this.closed;
  }

  #onFrame(text: string): void {
    const frame = JSON.parse(text) as Frame;
    this.received.push(frame);
    const replyTo = frame.replyTo;
    if (typeof replyTo === "string" && this.#replies.has(replyTo)) {
      const resolve = this.#replies.get(replyTo)!;
      this.#replies.delete(replyTo);
      resolve(frame);
      return;
    }
    const w = this.#waiters.findIndex((x) => x.match(frame));
    if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(frame);
    else this.#events.push(frame);
  }
}

/** Connect and register a new user; resolves with the client and the session token. */
export async function registered(
  url: string,
  user: string,
  mode: "interactive" | "listen" | "oneshot" = "interactive",
  password = "password1",
): Promise<{ client: TestClient; token: string }> {
  const client = await TestClient.connect(url);
  const reply = await client.call({ type: "register", user, password, mode });
  return { client, token: String(reply.token) };
}

/** Connect and authenticate with a token. */
export async function authed(
  url: string,
  token: string,
  mode: "interactive" | "listen" | "oneshot" = "interactive",
): Promise<TestClient> {
  const client = await TestClient.connect(url);
  await client.call({ type: "auth", token, mode });
  return client;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
