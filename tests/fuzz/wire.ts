/**
 * A bare WebSocket client for the reliability tests: it sends any frame (text or binary,
 * valid or not), records every frame the server sends, and waits for replies by id or by shape.
 */
import type { Frame } from "./frames.ts";

/** A frame received from the server, decoded as JSON (or kept as text when it is not JSON). */
export type Received = { type: string; [key: string]: unknown };

/** Reply frame types (everything else the server sends is an event). */
export const REPLY_TYPES = new Set([
  "session",
  "ok",
  "pong",
  "rooms",
  "room",
  "joined",
  "requests",
  "sent",
  "dm_sent",
  "history",
  "who",
  "sessions",
  "revoked",
  "updated",
  "bans",
  "read",
  "conversations",
  "error",
]);

type Waiter = { pred: (m: Received) => boolean; resolve: (m: Received) => void };

let nextId = 0;

/** One connection to the server. */
export class Wire {
  readonly ws: WebSocket;
  /** Every frame received, in order. */
  readonly received: Received[] = [];
  /** Resolves with the close event when the connection closes. */
  readonly closed: Promise<CloseEvent>;
  isClosed = false;
  #waiters: Waiter[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (ev) => {
        this.isClosed = true;
        resolve(ev);
      });
    });
    ws.addEventListener("message", (ev) => {
      const text = typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data);
      let msg: Received;
      try {
        msg = JSON.parse(text) as Received;
      } catch {
        msg = { type: "<not json>", text };
      }
      this.received.push(msg);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
  }

  /** Connect and wait for the server's `welcome`. */
  static async open(url: string, options?: { tls?: { ca?: string } }): Promise<Wire> {
    const ws = options ? new WebSocket(url, options as never) : new WebSocket(url);
    const wire = new Wire(ws);
    const welcome = wire.next((m) => m.type === "welcome", 10_000);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), {
        once: true,
      });
    });
    await welcome;
    return wire;
  }

  /** Send a raw frame. */
  sendFrame(frame: Frame): void {
    this.ws.send(frame.data);
  }

  /** Send an object as JSON. */
  sendJson(obj: unknown): void {
    this.ws.send(JSON.stringify(obj));
  }

  /** Wait for the first frame (from now on) matching `pred`. */
  next(pred: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
      this.closed.then((ev) => {
        if (!this.#waiters.includes(waiter)) return;
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        reject(new Error(`connection closed (${ev.code} ${ev.reason}) while waiting`));
      });
    });
  }

  /** Send a request with a fresh id and wait for its reply (an `error` reply included). */
  request(obj: Record<string, unknown>, timeoutMs = 10_000): Promise<Received> {
    const id = `r${++nextId}`;
    const reply = this.next((m) => m.replyTo === id, timeoutMs);
    this.sendJson({ ...obj, id });
    return reply;
  }

  /** Like request, but throws when the reply is an error. */
  async ok(obj: Record<string, unknown>): Promise<Received> {
    const reply = await this.request(obj);
    if (reply.type === "error") {
      throw new Error(`${String(obj.type)} failed: ${String(reply.code)} ${String(reply.message)}`);
    }
    return reply;
  }

  /** Close the connection and wait until it is closed. */
  async close(): Promise<void> {
    if (!this.isClosed) this.ws.close();
    await this.closed;
  }
}

/** Register `user` on a new connection and return it authenticated. */
export async function registered(url: string, user: string, mode = "oneshot"): Promise<Wire> {
  const wire = await Wire.open(url);
  await wire.ok({ type: "register", user, password: `${user}-password`, mode });
  return wire;
}

/** Log in as an existing `user` (registered with `registered`) on a new connection. */
export async function loggedIn(url: string, user: string, mode = "oneshot"): Promise<Wire> {
  const wire = await Wire.open(url);
  await wire.ok({ type: "login", user, password: `${user}-password`, mode });
  return wire;
}

/** True while a process exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
