/**
 * A hostile client for the attack benchmark: one raw connection with many requests in flight,
 * matched to their replies by `replyTo`. A refusal is a value, never an exception: the
 * benchmark reports what the server answered, whatever it is.
 */
import { RawWs } from "./raw-ws.ts";

/** What came back for one request. */
export interface Reply {
  /** The reply's `type` ("error" for a refusal), or "closed" / "timeout". */
  type: string;
  /** The error code of a refusal. */
  code?: string;
  retryAfterMs?: number;
  /** Text length of the reply frame (characters). */
  size: number;
  /** The decoded reply, for frames small enough to decode cheaply. */
  body?: Record<string, unknown>;
}

// Large replies (a page of rooms or history) are not parsed: only their type and replyTo
// are read from their ends, so that the attacking process stays cheap next to the server.
const PARSE_MAX = 64 * 1024;
const REPLY_TO_RE = /"replyTo":"([^"]+)"/;
const TYPE_RE = /^\{"type":"([a-z_]+)"/;
let peers = 0;

/** A refusal of the connection itself (HTTP 429, a closed socket), as a short text. */
export type Refused = string;

/** One hostile connection. */
export class Peer {
  readonly ws: RawWs;
  /** Frames that answered nothing (events, the welcome). */
  events = 0;
  #pending = new Map<string, (reply: Reply) => void>();
  #prefix: string;
  #n = 0;

  private constructor(ws: RawWs) {
    this.ws = ws;
    this.#prefix = `p${++peers}-`;
    ws.counter.listener = (text) => this.#onFrame(text);
    ws.onClose = () => {
      for (const resolve of this.#pending.values()) resolve({ type: "closed", size: 0 });
      this.#pending.clear();
    };
  }

  /** Connect to 127.0.0.1:`port`; a refused upgrade is returned as its reason. */
  static async open(port: number, timeoutMs = 10_000): Promise<Peer | Refused> {
    try {
      return new Peer(await RawWs.connect("127.0.0.1", port, timeoutMs));
    } catch (err) {
      return (err instanceof Error ? err.message : String(err)).replace("upgrade refused: ", "");
    }
  }

  /** Connect and authenticate with `token`; returns the peer or what refused it. */
  static async authed(port: number, token: string, mode = "oneshot"): Promise<Peer | Refused> {
    const peer = await Peer.open(port);
    if (typeof peer === "string") return peer;
    const reply = await peer.call({ type: "auth", token, mode });
    if (reply.type === "session") return peer;
    peer.close();
    return describe(reply);
  }

  get closed(): boolean {
    return this.ws.closed;
  }

  /** Send one request and wait for its reply (or the close, or `timeoutMs`). */
  call(body: Record<string, unknown>, timeoutMs = 30_000): Promise<Reply> {
    const id = `${this.#prefix}${++this.#n}`;
    if (this.ws.closed) return Promise.resolve({ type: "closed", size: 0 });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ type: "timeout", size: 0 });
      }, timeoutMs);
      this.#pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.ws.sendText(JSON.stringify({ ...body, id }));
    });
  }

  /** Close the TCP connection. */
  close(): void {
    this.ws.close();
  }

  #onFrame(text: string): void {
    const isSmall = text.length <= PARSE_MAX;
    let id: string | undefined;
    let reply: Reply;
    if (isSmall) {
      const body = JSON.parse(text) as Record<string, unknown>;
      id = typeof body.replyTo === "string" ? body.replyTo : undefined;
      reply = { type: String(body.type), size: text.length, body };
      if (typeof body.code === "string") reply.code = body.code;
      if (typeof body.retryAfterMs === "number") reply.retryAfterMs = body.retryAfterMs;
    } else {
      id = (REPLY_TO_RE.exec(text.slice(-200)) ?? REPLY_TO_RE.exec(text.slice(0, 200)))?.[1];
      reply = { type: TYPE_RE.exec(text)?.[1] ?? "?", size: text.length };
    }
    const resolve = id === undefined ? undefined : this.#pending.get(id);
    if (!resolve) {
      this.events++;
      return;
    }
    this.#pending.delete(id!);
    resolve(reply);
  }
}

/** A reply as the table shows it: `rate_limited`, `closed`, or the reply type. */
export function describe(reply: Reply): string {
  return reply.type === "error" ? (reply.code ?? "error") : reply.type;
}

/** Counts of outcomes ("rate_limited": 12), printed as `12 rate_limited, 3 ok`. */
export class Tally {
  #counts = new Map<string, number>();

  /** Count one outcome. */
  add(outcome: string, n = 1): void {
    this.#counts.set(outcome, (this.#counts.get(outcome) ?? 0) + n);
  }

  /** How many of `outcome`. */
  get(outcome: string): number {
    return this.#counts.get(outcome) ?? 0;
  }

  /** Most frequent first. */
  toString(): string {
    const parts = [...this.#counts].sort((a, b) => b[1] - a[1]);
    return parts.map(([k, n]) => `${n.toLocaleString("en-US")} ${k}`).join(", ") || "none";
  }
}

/** Resolve after `ms` (or at once for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? Bun.sleep(ms) : Promise.resolve();
}
