import type { ClientMode, ServerMessage } from "../../shared/protocol.ts";
import { Chat } from "../../server/domain/chat.ts";
import { encodeBatch, encodeFrame } from "../../server/encoding.ts";
import type { ChatDeps } from "../../server/domain/chat.ts";
import { Connections } from "../../server/domain/connections.ts";
import { ChatError } from "../../shared/errors.ts";
import { RateLimits } from "../../server/domain/rate-limit.ts";
import type { RateLimitSpecs } from "../../server/domain/rate-limit.ts";
import type { SessionOptions } from "../../server/domain/sessions.ts";
import type { PresenceOptions } from "../../server/domain/presence.ts";
import type { RoomQuotas } from "../../server/domain/room-quota.ts";
import type { ReplyBounds } from "../../server/domain/bounds.ts";
import { ChatState } from "../../server/domain/state.ts";
import type { Deps } from "../../server/domain/deps.ts";
import type {
  Clock,
  Conn,
  PasswordHasher,
  Publisher,
  TimerHandle,
} from "../../server/domain/types.ts";
import { errorFrame } from "../../server/error-frame.ts";
import { afterReply, dispatch } from "../../server/handlers.ts";
import { MemoryStore } from "./memory-store.ts";
import type { Snapshot } from "../../server/store/store.ts";

/** A clock that moves only when told to; timers fire in due order during `advance`. */
export class FakeClock implements Clock {
  #now = Date.UTC(2026, 10, 25, 12, 0, 0);
  #timers = new Map<number, { due: number; fn: () => void }>();
  #next = 0;

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#next;
    this.#timers.set(id, { due: this.#now + ms, fn });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let first: [number, { due: number; fn: () => void }] | null = null;
      for (const entry of this.#timers) if (!first || entry[1].due < first[1].due) first = entry;
      if (!first || first[1].due > end) break;
      this.#timers.delete(first[0]);
      this.#now = Math.max(this.#now, first[1].due);
      first[1].fn();
    }
    this.#now = end;
  }
}

/** A connection that records what it receives (direct sends and its topics' events). */
export class FakeConn implements Conn {
  readonly id: string;
  readonly address: string;
  user: string | null = null;
  mode: ClientMode = "oneshot";
  tokenHash: string | null = null;
  readonly topics = new Set<string>();
  readonly received: ServerMessage[] = [];
  isOpen = true;

  constructor(id: string, address: string) {
    this.id = id;
    this.address = address;
  }

  send(msg: ServerMessage): void {
    this.received.push(msg);
  }

  sendText(text: string): void {
    this.received.push(JSON.parse(text) as ServerMessage);
  }

  flush(): void {}

  whenDrained(): Promise<void> {
    return Promise.resolve();
  }

  subscribe(topic: string): void {
    this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  admit(): void {
    if (!this.isOpen) throw new ChatError("auth_required", "the connection closed");
  }

  /** Received events of one type. */
  events<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.received.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }
}

/** Delivers published events to the subscribed fake connections, like Bun's topics. */
class FakeHub implements Publisher {
  readonly conns = new Set<FakeConn>();
  readonly published: { topic: string; msg: ServerMessage }[] = [];

  publish(topic: string, msg: ServerMessage): void {
    this.published.push({ topic, msg });
    for (const c of this.conns) if (c.isOpen && c.topics.has(topic)) c.received.push(msg);
  }

  publishEach(topics: Iterable<string>, msg: ServerMessage): void {
    for (const topic of topics) this.publish(topic, msg);
  }

  // Encoded and parsed back, as the server sends it: the domain tests check the frame is valid.
  publishEvent(topics: readonly string[], msg: ServerMessage): string {
    return this.publishText(topics, encodeFrame(msg));
  }

  publishText(topics: readonly string[], text: string): string {
    for (const topic of topics) this.publish(topic, JSON.parse(text) as ServerMessage);
    return text;
  }

  encode(msg: ServerMessage): string {
    return encodeFrame(msg);
  }

  encodeBatch(synced: ServerMessage, frames: readonly string[]): string {
    return encodeBatch(synced, frames);
  }
}

/** Instant password "hashing" that tests can read: `pw(<password>)`. */
export const FAKE_PASSWORDS: PasswordHasher = {
  hash: async (pw) => `pw(${pw})`,
  verify: async (pw, hash) => hash === `pw(${pw})`,
};

/** The domain wired with a fake clock, the in-memory store and fake crypto. */
export class Harness {
  readonly clock = new FakeClock();
  readonly hub = new FakeHub();
  readonly store: MemoryStore;
  readonly chat: Chat;
  #nextConn = 0;
  #nextId = 0;
  #nextToken = 0;

  constructor(
    opts: {
      idleAfterSeconds?: number;
      isRateLimited?: boolean;
      snapshot?: Snapshot;
      /** A store to use instead of a fresh MemoryStore (it should hold `snapshot`). */
      store?: MemoryStore;
      /** Limits other than the defaults (with `isRateLimited`). */
      limits?: Partial<RateLimitSpecs>;
      /** Session bounds other than the defaults. */
      sessions?: SessionOptions;
      /** Room quotas per user; the server's defaults when absent. */
      roomQuotas?: RoomQuotas;
      /** The most one reply lists; the server's defaults when absent. */
      replyBounds?: ReplyBounds;
      /** A password hasher instead of the instant fake one. */
      passwords?: PasswordHasher;
      /** An offline grace and an interval between presence events (none when absent). */
      presence?: PresenceOptions;
    } = {},
  ) {
    this.store = opts.store ?? new MemoryStore(opts.snapshot, 200);
    const deps: ChatDeps = {
      state: new ChatState(
        opts.snapshot ?? { users: [], sessions: [], rooms: [], history: {} },
        200,
      ),
      store: this.store,
      clock: this.clock,
      crypto: {
        newToken: () => `token${++this.#nextToken}`,
        hashToken: (t) => `hash(${t})`,
        newId: () => `m${String(++this.#nextId).padStart(6, "0")}`,
      },
      passwords: opts.passwords ?? FAKE_PASSWORDS,
      publisher: this.hub,
      log: { info: () => {}, error: () => {} },
      limits: new RateLimits(this.clock, opts.isRateLimited ?? false, opts.limits),
      conns: new Connections(),
    };
    this.chat = new Chat(deps, {
      idleAfterSeconds: opts.idleAfterSeconds ?? 300,
      ...(opts.sessions ? { sessions: opts.sessions } : {}),
      ...(opts.roomQuotas ? { roomQuotas: opts.roomQuotas } : {}),
      ...(opts.replyBounds ? { replyBounds: opts.replyBounds } : {}),
      ...(opts.presence ? { presence: opts.presence } : {}),
    });
  }

  /** A new unauthenticated connection. */
  conn(address = "10.0.0.1"): FakeConn {
    const c = new FakeConn(`c${++this.#nextConn}`, address);
    this.hub.conns.add(c);
    return c;
  }

  /** Run one request through the real handler table; resolves with the reply. */
  async request(conn: FakeConn, msg: Record<string, unknown>): Promise<ServerMessage> {
    try {
      const reply = await dispatch(this.chat, conn, msg as never);
      conn.received.push(reply);
      await afterReply(this.chat, conn, msg as never);
      return reply;
    } catch (err) {
      if (!(err instanceof ChatError)) throw err;
      return errorFrame(err);
    }
  }

  /** Like `request`, but throws on an error reply. */
  async call(conn: FakeConn, msg: Record<string, unknown>): Promise<ServerMessage> {
    const reply = await this.request(conn, msg);
    if (reply.type === "error")
      throw new Error(`${String(msg.type)}: ${reply.code} ${reply.message}`);
    return reply;
  }

  /** A registered user on a new connection in `mode`. */
  async user(name: string, mode: ClientMode = "interactive"): Promise<FakeConn> {
    const c = this.conn();
    await this.call(c, { type: "register", user: name, password: "password1", mode });
    return c;
  }

  /** alice (who created #lobby) and bob (who joined it), both registered here. */
  async lobby(): Promise<{ alice: FakeConn; bob: FakeConn }> {
    const alice = await this.user("alice");
    const bob = await this.user("bob");
    await this.call(alice, { type: "create", room: "lobby" });
    await this.call(bob, { type: "join", room: "lobby" });
    return { alice, bob };
  }

  /** Another connection of an existing user, by logging in. */
  async login(name: string, mode: ClientMode = "interactive"): Promise<FakeConn> {
    const c = this.conn();
    await this.call(c, { type: "login", user: name, password: "password1", mode });
    return c;
  }

  /**
   * Another connection of an existing user, logging in with `since`: resolves once its
   * catch-up has sent its last page (a `synced` with `more` false).
   */
  async resume(name: string, since: string, mode: ClientMode = "listen"): Promise<FakeConn> {
    const c = this.conn();
    await this.call(c, { type: "login", user: name, password: "password1", mode, since });
    for (let turn = 0; turn < 1000; turn++) {
      if (c.events("synced").some((s) => !s.more)) return c;
      // A catch-up sends each page in a turn of its own.
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error("the catch-up did not end");
  }

  /** Close a connection as the transport does. */
  close(c: FakeConn): void {
    c.isOpen = false;
    this.chat.detach(c);
  }
}
