/** Bun sockets as the domain sees them: publishing and per-socket sends. */
import { encodeBatch, encodeFrame } from "./encoding.ts";
import type { Server, ServerWebSocket } from "bun";
import { LIMITS } from "../shared/protocol.ts";
import type { ClientMode, ServerMessage } from "../shared/protocol.ts";
import { ChatError } from "../shared/errors.ts";
import type { Conn, Publisher } from "./domain/types.ts";

/** Close codes the server uses besides 1001 (shutting down) and 1009 (frame over 1 MiB). */
export const CLOSE_CODES = { slowReader: 4008, flood: 4029, authTimeout: 4408 } as const;

/** Per-socket cap on queued bytes (Bun's backpressureLimit); see slow-readers.ts. */
export const BACKPRESSURE_LIMIT = 16 * 1024 * 1024;
/** A catch-up sends its next page once no more than this is queued (a slow reader: 1 MiB). */
const DRAINED_BYTES = 256 * 1024;

/** What the transport keeps on each socket. */
export interface ConnData {
  id: string;
  address: string;
  conn: WsConn | null;
  /** Frames wait here while a register/login/auth/logout of the same connection is in flight. */
  queue: Promise<void> | null;
  /** The size of the frames waiting in `queue` (UTF-16 units of text, bytes of binary). */
  queuedSize: number;
  /** When the queue last went past slow-readers.ts BEHIND_BYTES without draining since (ms). */
  behindSince: number | null;
  /** Set while the connection is not authenticated: it closes the connection when it fires. */
  authTimer: ReturnType<typeof setTimeout> | null;
  /** The user this socket is counted under in the connection quotas, or null. */
  countedAs: string | null;
}

/** A server-side WebSocket of the chat endpoint. */
export type Socket = ServerWebSocket<ConnData>;

/** Publishes through Bun's native topics: one JSON.stringify and one publish per topic. */
export class BunPublisher implements Publisher {
  server: Server<ConnData> | null = null;
  /** Called when a subscriber could not take a frame at once (queued or dropped). */
  onBackpressure: () => void = () => {};

  /** Serialise once, publish once, uncompressed. */
  publish(topic: string, msg: ServerMessage): void {
    this.publishEach([topic], msg);
  }

  /** Encode once, publish once per topic, uncompressed; the frame as sent. */
  publishEvent(topics: readonly string[], msg: ServerMessage): string {
    return this.publishText(topics, encodeFrame(msg));
  }

  /** Publish a frame encoded already once per topic, uncompressed; the frame as sent. */
  publishText(topics: readonly string[], text: string): string {
    const server = this.server;
    if (server === null) return text;
    for (const topic of topics) {
      if (server.publish(topic, text, false) <= 0) this.onBackpressure();
    }
    return text;
  }

  /** The frame `msg` is sent as. */
  encode(msg: ServerMessage): string {
    return encodeFrame(msg);
  }

  /** One frame for a page of a catch-up, its frames joined in as they are. */
  encodeBatch(synced: ServerMessage, frames: readonly string[]): string {
    return encodeBatch(synced, frames);
  }

  /** Serialise once, publish once per topic, uncompressed. */
  publishEach(topics: Iterable<string>, msg: ServerMessage): void {
    const server = this.server;
    if (server === null) return;
    let text: string | null = null;
    for (const topic of topics) {
      text ??= encodeFrame(msg);
      if (server.publish(topic, text, false) <= 0) this.onBackpressure();
    }
  }
}

/**
 * Frames sent to single sockets (replies, notices) are queued and written once per event-loop
 * turn, all of a socket's frames in one corked write: a burst of acknowledgements costs one
 * system call per socket instead of one per frame. Each socket's own frames keep their order.
 */
export class Outbox {
  #pending = new Set<WsConn>();
  #isScheduled = false;

  /** Flush `conn` at the end of this turn. */
  add(conn: WsConn): void {
    this.#pending.add(conn);
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Write everything queued now. */
  flush(): void {
    this.#isScheduled = false;
    const conns = this.#pending;
    this.#pending = new Set();
    for (const conn of conns) conn.flush();
  }
}

/** What a WsConn tells the transport. */
export interface ConnHooks {
  /** A send could not go out at once (queued or dropped). */
  onBackpressure(): void;
  /** Throw a ChatError when binding the connection to `user` would pass a quota. */
  checkQuota(user: string): void;
  /** The connection was bound to a user, unbound, or closed. */
  onStanding(): void;
}

/** The domain's view of one socket. */
export class WsConn implements Conn {
  readonly id: string;
  readonly address: string;
  mode: ClientMode = "oneshot";
  tokenHash: string | null = null;
  #user: string | null = null;
  #isClosed = false;
  #ws: Socket;
  #outbox: Outbox;
  #queued: string[] = [];
  // The length of the frames in #queued (UTF-16 units): replies built but not yet written.
  #queuedLength = 0;
  #hooks: ConnHooks;
  #drainWaiters: (() => void)[] = [];

  /** Wrap `ws`; `hooks` hear of backpressure and of every change of its user. */
  constructor(ws: Socket, outbox: Outbox, hooks: ConnHooks) {
    this.#ws = ws;
    this.#outbox = outbox;
    this.#hooks = hooks;
    this.id = ws.data.id;
    this.address = ws.data.address;
  }

  /** The authenticated user, or null. */
  get user(): string | null {
    return this.#user;
  }

  // Every path that binds or unbinds a connection (login, logout here or on another
  // connection, a revoked session, close) goes through here, so the transport's counts and
  // the login deadline follow the domain without the domain knowing of them.
  set user(user: string | null) {
    if (user === this.#user) return;
    this.#user = user;
    this.#hooks.onStanding();
  }

  /** False once the socket closed (or is closing). */
  get isOpen(): boolean {
    return !this.#isClosed && this.#ws.readyState === 1;
  }

  /** Refuse a closed connection, or one past the connection quotas. */
  admit(user: string): void {
    if (!this.isOpen) {
      throw new ChatError("auth_required", "the connection closed while authenticating");
    }
    this.#hooks.checkQuota(user);
  }

  /** The socket closed: it is never bound again and its frames are dropped. */
  markClosed(): void {
    this.#isClosed = true;
    this.#queued = [];
    this.#queuedLength = 0;
    this.#hooks.onStanding();
    this.drained();
  }

  /**
   * What is waiting to reach the peer: frames built this turn and not yet written (UTF-16
   * units) plus the bytes the socket holds; 0 once closed.
   */
  get backlog(): number {
    if (!this.isOpen) return 0;
    return this.#queuedLength + this.#ws.getBufferedAmount();
  }

  /** Resolves once at most DRAINED_BYTES are queued for the socket, or it closed. */
  async whenDrained(): Promise<void> {
    while (this.isOpen && this.#ws.getBufferedAmount() > DRAINED_BYTES) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
  }

  /** The socket took some of what was queued (Bun's `drain`), or it closed: look again. */
  drained(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Serialise and send one frame to this socket. */
  send(msg: ServerMessage): void {
    this.sendText(encodeFrame(msg));
  }

  /** Send an already serialised frame (written at the end of this event-loop turn). */
  sendText(text: string): void {
    if (this.#isClosed) return; // a reply to a request that outlived its socket
    this.#queuedLength += text.length;
    if (this.#queued.push(text) === 1) this.#outbox.add(this);
  }

  /** Write the queued frames in one corked write. */
  flush(): void {
    const queued = this.#queued;
    this.#queued = [];
    this.#queuedLength = 0;
    const ws = this.#ws;
    if (ws.readyState !== 1 || queued.length === 0) return;
    let isBlocked = false;
    const write = (): void => {
      for (const text of queued) if (ws.send(text, false) <= 0) isBlocked = true;
    };
    if (queued.length === 1) write();
    else ws.cork(write);
    if (isBlocked) this.#hooks.onBackpressure();
  }

  /** Subscribe to a topic while open. */
  subscribe(topic: string): void {
    if (this.#ws.readyState === 1) this.#ws.subscribe(topic);
  }

  /** Unsubscribe from a topic while open. */
  unsubscribe(topic: string): void {
    if (this.#ws.readyState === 1) this.#ws.unsubscribe(topic);
  }
}

/** The request id of a frame that failed validation, when it has a usable one. */
export function peekId(raw: string): string | undefined {
  if (raw.length > LIMITS.frameMax) {
    // Near either end of an oversized frame, found without parsing all of it.
    const re = /"id"\s*:\s*"([^"\\]{1,64})"/;
    return (re.exec(raw.slice(0, 512)) ?? re.exec(raw.slice(-512)))?.[1];
  }
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
    const id = (data as Record<string, unknown>).id;
    return typeof id === "string" && id.length <= LIMITS.requestIdMax ? id : undefined;
  } catch {
    return undefined;
  }
}
