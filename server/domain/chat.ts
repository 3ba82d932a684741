/** The domain wired together: one object the handlers call for every request. */
import type { ClientMode } from "../../shared/protocol.ts";
import { Accounts } from "./accounts.ts";
import type { SessionOptions } from "./sessions.ts";
import { ChatError } from "../../shared/errors.ts";
import { Messages } from "./messages.ts";
import { storeFailure } from "./persist.ts";
import { ChangeApplier } from "./apply-change.ts";
import { LocalChangeLog } from "./change-log.ts";
import type { ChangeLog } from "./change-log.ts";
import type { SharedPresence } from "./presence-shared.ts";
import type { Store } from "../store/store.ts";
import type { Presence, PresenceOptions } from "./presence.ts";
import { PresenceHub } from "./presence-hub.ts";
import { cleanAway } from "./away.ts";
import { Edits } from "./edits.ts";
import { DEFAULT_MODERATION_BOUNDS, Moderation } from "./moderation.ts";
import type { ModerationBounds } from "./moderation.ts";
import { listConversations } from "./conversation-list.ts";
import type { ConversationsPage, ConversationsReply } from "./conversation-list.ts";
import { Reads } from "./reads.ts";
import { memberRoom } from "./room-access.ts";
import { DEFAULT_REPLY_BOUNDS } from "./bounds.ts";
import type { ReplyBounds } from "./bounds.ts";
import type { RoomQuotas } from "./room-quota.ts";
import { Rooms } from "./rooms.ts";
import { KeyedQueue } from "./serial.ts";
import { Typing } from "./typing.ts";
import type { SharedTyping } from "./typing.ts";
import { formatSeq } from "../../shared/seq.ts";
import { BATCH, catchUp, parseCursor, syncedMessage } from "./catch-up.ts";
import type { FrameCharge, SyncedMessage } from "./catch-up.ts";
import { SYNC_PAGE, syncPage } from "./sync.ts";
import { roomWho, sharedWho } from "./who.ts";
import type { WhoPage, WhoReply } from "./who.ts";
import { roomTopic, userTopic } from "./types.ts";
import type { Deps } from "./deps.ts";
import type { Conn } from "./types.ts";

/** Options of the domain. */
export interface ChatOptions {
  /** Seconds without activity before an online user is idle; 0 never. */
  idleAfterSeconds: number;
  /** Sessions per user and their lifetime; the defaults when absent. */
  sessions?: SessionOptions;
  /** Room quotas per user; DEFAULT_ROOM_QUOTAS when absent. */
  roomQuotas?: RoomQuotas;
  /** The most one reply lists; DEFAULT_REPLY_BOUNDS when absent. */
  replyBounds?: ReplyBounds;
  /** Bans and invites per room; DEFAULT_MODERATION_BOUNDS when absent. */
  moderation?: ModerationBounds;
  /** The offline grace, the interval between a user's changes, the room window; none if absent. */
  presence?: PresenceOptions;
  /**
   * The log changes go through, reading and applying with `applier` (a cluster's shared log);
   * absent: a log kept in the store of this process.
   */
  changeLog?: (applier: ChangeApplier) => ChangeLog;
  /** Presence merged with the other instances of a cluster; absent: this process's alone. */
  sharedPresence?: SharedPresence;
  /** Who is typing on the other instances of a cluster; absent: none. */
  sharedTyping?: SharedTyping;
}

/** What a Chat is built over: its deps, and the store of a server that keeps its own log. */
export type ChatDeps = Omit<Deps, "changes"> & { store?: Store };

/** The whole domain: accounts, rooms, messages, presence and typing, wired together. */
export class Chat {
  readonly deps: Deps;
  readonly accounts: Accounts;
  readonly rooms: Rooms;
  readonly messages: Messages;
  readonly presence: Presence;
  readonly typing: Typing;
  readonly edits: Edits;
  readonly moderation: Moderation;
  readonly reads: Reads;
  /**
   * What the frames of a sync or catch-up page cost the user in requests (set by the
   * transport, which keeps the request buckets); free until then.
   */
  chargeFrames: FrameCharge = () => 0;
  #queue: KeyedQueue;
  // One catch-up at a time per user: a later one waits for the earlier to end.
  #catchUps = new KeyedQueue();
  #bounds: ReplyBounds;
  #hub: PresenceHub;
  #sharedTyping: SharedTyping | null;

  /** Wire the services over `deps`. */
  constructor(rawDeps: ChatDeps, opts: ChatOptions) {
    const { store: rawStore, ...rest } = rawDeps;
    const applier = new ChangeApplier(rawDeps);
    const local = (): ChangeLog => {
      if (!rawStore) throw new Error("a chat needs a store or a change log");
      const failed = storeFailure(rawDeps.log);
      return new LocalChangeLog(rawStore, rawDeps.state.log, applier, failed);
    };
    const changes = opts.changeLog?.(applier) ?? local();
    const deps: Deps = { ...rest, changes };
    this.deps = deps;
    this.#sharedTyping = opts.sharedTyping ?? null;
    this.typing = new Typing(deps.clock, (room, user, isTyping) =>
      deps.publisher.publish(roomTopic(room), { type: "typing", room, user, typing: isTyping }),
    );
    const idleAfterMs = opts.idleAfterSeconds * 1000;
    this.#hub = new PresenceHub(deps, idleAfterMs, opts.presence, opts.sharedPresence ?? null);
    this.presence = this.#hub.presence;
    // One queue for every change of a room or user record: see KeyedQueue.
    this.#queue = new KeyedQueue(() => deps.changes.position);
    this.accounts = new Accounts(deps, this.#queue, opts.sessions);
    applier.hooks = {
      stopTyping: (room, user) => this.typing.clear(room, user),
      sessionsEnded: (user, hashes, cause) => this.#endConnections(user, hashes, cause),
      roomCreated: (room) => this.rooms.created(room),
    };
    this.#bounds = opts.replyBounds ?? DEFAULT_REPLY_BOUNDS;
    this.rooms = new Rooms(deps, this.#queue, opts.roomQuotas, this.#bounds);
    this.messages = new Messages(
      deps,
      this.#queue,
      this.#bounds.historyPageBytes,
      opts.roomQuotas?.maxNewConversations ?? 0,
    );
    this.edits = new Edits(deps, this.#queue);
    this.moderation = new Moderation(
      deps,
      this.#queue,
      opts.moderation ?? DEFAULT_MODERATION_BOUNDS,
      this.#bounds.whoPage,
      opts.roomQuotas?.maxRoomsPerUser ?? 0,
    );
    this.reads = new Reads(deps, this.#queue);
  }

  /** A page of the caller's DM conversations, newest first, with unread and mention counts. */
  conversations(user: string, page: ConversationsPage = {}): ConversationsReply {
    const { conversationsPage: pageMax, historyPageBytes: pageBytes } = this.#bounds;
    const bounds = { pageMax, pageBytes };
    return listConversations(this.deps.state, this.reads, user, page, bounds);
  }

  /**
   * Bind an authenticated connection to its user: subscribe it to the user's topic and rooms;
   * a live (interactive or listen) one also makes the user online.
   */
  attach(conn: Conn, user: string, mode: ClientMode, isCatchingUp = false): void {
    conn.user = user;
    conn.mode = mode;
    const conns = this.deps.conns;
    conns.add(conn);
    // Held until the catch-up's last page (see catchUp).
    if (isCatchingUp) conns.hold(conn);
    conns.subscribe(conn, userTopic(user));
    for (const room of this.deps.state.roomsOfUser(user)) conns.subscribe(conn, roomTopic(room));
    if (mode === "oneshot") return this.presence.activity(user, false);
    this.presence.connect(user);
  }

  /** Unbind a connection (closed or logged out): typing it set is cleared, presence updated. */
  detach(conn: Conn): void {
    const user = conn.user;
    if (user === null) return;
    this.deps.conns.remove(conn, user);
    this.typing.clearConnection(conn.id);
    if (conn.mode !== "oneshot") this.presence.disconnect(user);
    conn.user = null;
  }

  /** Log out: revoke the session; every connection that used it is unbound from the user. */
  async logout(conn: Conn): Promise<void> {
    await this.accounts.logout(conn);
  }

  /**
   * Sessions of `user` ended (logout, revoke, passwd, expiry, eviction): every connection that
   * authenticated with one of them is unbound at once, not only new ones refused, and told with
   * an `auth_required` error, except `cause`, whose own request gets its reply.
   */
  #endConnections(user: string, hashes: ReadonlySet<string>, cause: Conn | null): void {
    const using = [...this.deps.conns.of(user)].filter(
      (c) => c.tokenHash !== null && hashes.has(c.tokenHash),
    );
    for (const c of using) {
      this.detach(c);
      c.tokenHash = null;
      c.unsubscribe(userTopic(user));
      for (const room of this.deps.state.roomsOfUser(user)) c.unsubscribe(roomTopic(room));
    }
    const notice = "this session was logged out; log in again";
    for (const c of using) {
      if (c !== cause) c.send({ type: "error", code: "auth_required", message: notice });
    }
  }

  /** A page of a room's members with status and typing; without a room, everyone sharing one. */
  who(user: string, rawRoom?: string, page: WhoPage = {}): WhoReply {
    const src = {
      status: (u: string) => this.#hub.view(u).status,
      isTyping: (room: string, u: string) =>
        this.typing.isTyping(room, u) || (this.#sharedTyping?.isTyping(room, u) ?? false),
      away: (u: string) => this.#hub.view(u).away,
    };
    // Lines with away messages are bounded in bytes like a history page.
    const bounds = { pageMax: this.#bounds.whoPage, pageBytes: this.#bounds.historyPageBytes };
    return rawRoom === undefined
      ? sharedWho(this.deps.state, src, user, bounds)
      : roomWho(this.deps.state, src, user, rawRoom, page, bounds);
  }

  /** Set or clear the caller's typing notice in a room they belong to. */
  setTyping(conn: Conn, user: string, rawRoom: string, isTyping: boolean): void {
    const room = memberRoom(this.deps.state, rawRoom, user);
    this.typing.set(room.name, user, conn.id, isTyping);
  }

  /** The position of the log now: a session's `cursor`. */
  cursor(): string {
    return formatSeq(this.deps.state.log.position);
  }

  /**
   * Resolves once this server has applied every change made before (in a cluster, a cursor
   * handed out by another instance is then known here); null when there is nothing to wait for.
   */
  caughtUp(): Promise<void> | null {
    return this.deps.changes.caughtUp();
  }

  /** A wire cursor as a position; bad_request when malformed or not from this log. */
  position(text: string): number {
    return parseCursor(this.deps.state, text);
  }

  /**
   * Answer `sync`: the page's events go to `conn` at once; the `synced` closing it is returned.
   * Batched, the events go inside that `synced` instead.
   */
  sync(
    conn: Conn,
    user: string,
    since: string,
    limit: number | undefined,
    isBatched = false,
  ): SyncedMessage {
    const page = syncPage(
      this.deps.state,
      user,
      this.position(since),
      Math.min(limit ?? SYNC_PAGE.default, SYNC_PAGE.max),
      this.#bounds.historyPageBytes,
      (m) => this.deps.publisher.encode(m),
    );
    const synced = syncedMessage(page);
    if (isBatched) synced[BATCH] = page.frames;
    else for (const frame of page.frames) conn.sendText(frame);
    this.chargeFrames(user, page.frames.length);
    return synced;
  }

  /**
   * Catch `conn` (attached with its subscriptions held) up from `since`; see catchUp. A user's
   * catch-ups run one at a time: however many connections authenticate with `since` at once,
   * one of them is sent pages and the others wait their turn (still held, missing nothing).
   */
  catchUp(conn: Conn, since: number, isBatched = false): Promise<void> {
    const user = conn.user;
    if (user === null) return Promise.resolve();
    const charge = (u: string, frames: number): number => this.chargeFrames(u, frames);
    const opts = { pageBytes: this.#bounds.historyPageBytes, isBatched };
    return this.#catchUps.run([user], () => catchUp(this.deps, conn, user, since, opts, charge));
  }

  /** Cancel timers (server stop). */
  stop(): void {
    this.accounts.sessions.stop();
    this.typing.stop();
    this.#hub.stop();
  }

  /**
   * After the session reply of a live connection without `since`: the pending requests in the
   * rooms the user administers. (Everything else missed comes through the cursor.)
   */
  deliverMissed(conn: Conn): void {
    const user = conn.user;
    if (user === null || conn.mode === "oneshot") return;
    // O(rooms the user administers), not a scan of every room on each connect.
    for (const r of this.rooms.requests(user).requests) {
      conn.send({ type: "join_request", ...r });
    }
  }

  /**
   * Set (a message) or clear (none, or blank) the user's away message until cleared; the rooms
   * are told with a presence event. It fans out like a message, so it counts as one.
   */
  setAway(user: string, message: string | undefined): void {
    const clean = message === undefined ? "" : cleanAway(message);
    this.deps.limits.message(user);
    this.#hub.setAway(user, clean);
  }
}

/** Throw auth_required unless the connection is authenticated; returns the user. */
export function requireUser(conn: Conn): string {
  if (conn.user === null) {
    throw new ChatError("auth_required", "not logged in: send register, login or auth first");
  }
  return conn.user;
}
