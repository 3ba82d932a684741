/**
 * The one way the domain's state changes: a committed change (its store ops, numbered) applied
 * to the state, its subscriptions moved, its events kept for `sync` and published. A server
 * applies every change here in the order of the log, whether its own request made it or, in
 * a cluster, another instance's did, so every instance holds the same state.
 */
import type { ChatError } from "../../shared/errors.ts";
import { refusal } from "./change-refusal.ts";
import { changedMessage } from "./message-wire.ts";
import { dmUsers, ENCODED } from "../store/store.ts";
import type { RoomRecord, StoredMessage, StoreOp } from "../store/store.ts";
import { eventOf, messageEvent } from "./message-wire.ts";
import { copyRoom, fromRecord } from "./state.ts";
import type { ChatState, RoomState } from "./state.ts";
import type { Connections } from "./connections.ts";
import type { Conn, Publisher } from "./types.ts";
import { roomTopic, userTopic } from "./types.ts";

/** What applying a change tells the services that keep more than the state. */
export interface ApplyHooks {
  /** `user` left `room` or sent a message there: their typing notice there ends. */
  stopTyping(room: string, user: string): void;
  /** Sessions of `user` ended; `cause` (the connection whose request ended them) gets its reply. */
  sessionsEnded(user: string, hashes: ReadonlySet<string>, cause: Conn | null): void;
  /** A new room was stored (it counts for its creator's daily quota). */
  roomCreated(room: RoomRecord): void;
}

/** What the writer of a change knows that the log does not carry. */
export interface ChangeContext {
  /** The connection whose request ended sessions (it is answered, not told). */
  cause?: Conn;
}

/** The outcome of one applied change: the frame each op was published as (same index). */
export type AppliedFrames = (string | undefined)[];

/** What the applier works on. */
export interface ApplierDeps {
  state: ChatState;
  conns: Connections;
  publisher: Publisher;
}

/** Applies committed changes to the state, in log order. */
export class ChangeApplier {
  #d: ApplierDeps;
  /** Set once the services exist (they are built over the same deps). */
  hooks: ApplyHooks = { stopTyping: () => {}, sessionsEnded: () => {}, roomCreated: () => {} };

  /** An applier over `deps`. */
  constructor(deps: ApplierDeps) {
    this.#d = deps;
  }

  /**
   * Encode the event of each new message of a numbered change before it is stored: its
   * journal line and its frame are then the one text (see `journalLine`), not two encodings.
   */
  encode(ops: readonly StoreOp[]): void {
    for (const op of ops) {
      if (op.op === "msg") op[ENCODED] = this.#d.publisher.encode(messageEvent(op.message));
    }
  }

  /** Why the change cannot be applied to the state as it is now, or null (see refusal). */
  refusal(ops: readonly StoreOp[]): ChatError | null {
    return refusal(this.#d.state, ops);
  }

  /**
   * Apply a committed change: state first, then the subscriptions of new members, then its
   * events published in order, then the subscriptions of those who left (so they hear of it).
   */
  apply(ops: readonly StoreOp[], ctx: ChangeContext = NO_CONTEXT): AppliedFrames {
    const run: Run = { joins: NONE, leaves: NONE, ops };
    for (const op of ops) this.#state(op, run, ctx);
    const { conns } = this.#d;
    for (const [user, topic] of run.joins) conns.subscribeUser(user, topic);
    const frames: AppliedFrames = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) frames[i] = this.#publish(ops[i]!);
    for (const [user, topic] of run.leaves) conns.unsubscribeUser(user, topic);
    return frames;
  }

  #state(op: StoreOp, run: Run, ctx: ChangeContext): void {
    const state = this.#d.state;
    switch (op.op) {
      case "user":
        state.users.set(op.user.name, op.user);
        return;
      case "session":
        state.addSession(op.session);
        return;
      case "session_del": {
        const user = state.sessions.get(op.tokenHash)?.user;
        if (user === undefined || !state.removeSession(op.tokenHash)) return;
        this.hooks.sessionsEnded(user, new Set([op.tokenHash]), ctx.cause ?? null);
        return;
      }
      case "session_used": {
        const s = state.sessions.get(op.tokenHash);
        if (s && (s.lastUsed ?? "") < op.lastUsed) {
          state.sessions.set(op.tokenHash, { ...s, lastUsed: op.lastUsed });
        }
        return;
      }
      case "room": {
        if (op.create) this.hooks.roomCreated(op.room);
        const room = fromRecord(op.room);
        state.putRoom(room);
        if (!room.shutDown) for (const m of room.members) join(run, [m, roomTopic(room.name)]);
        return;
      }
      case "room_set":
        return this.#roomSet(op, run);
      case "member":
      case "pending":
      case "ban":
      case "invite":
        return this.#roomUser(op, run);
      case "room_admin": {
        const room = state.rooms.get(op.room);
        if (room) state.setAdmin(room, op.admin);
        return;
      }
      case "msg":
        return this.#message(op.key, op.message);
      case "msg_edit":
      case "msg_delete": {
        const old = state.history.find(op.key, op.id);
        if (!old || old.deleted) return;
        const change =
          op.op === "msg_edit"
            ? { text: op.text, edited: op.edited }
            : { edited: op.edited, deleted: true as const };
        state.history.replace(op.key, changedMessage(old, change));
        return;
      }
      case "read":
        state.reads.move(op.user, op.key, op.upTo);
        return;
      case "log":
        return; // kept for `sync` as it is published
      default:
        op satisfies never;
    }
  }

  #roomSet(op: Extract<StoreOp, { op: "room_set" }>, run: Run): void {
    const state = this.#d.state;
    const room = state.rooms.get(op.room);
    if (!room) return;
    const { open, visible, topic } = op;
    if (!op.shutDown || room.shutDown) return state.setSettings(room, { open, visible, topic });
    state.putRoom(copyRoom(room, { open, visible, topic, shutDown: true, pending: new Set() }));
    state.log.roomEnded(room.name, room.members, lastSeq(run.ops));
    for (const m of room.members) this.#left(room, m, run);
  }

  #roomUser(op: Extract<StoreOp, { op: "member" | "pending" | "ban" | "invite" }>, run: Run) {
    const state = this.#d.state;
    const room = state.rooms.get(op.room);
    if (!room) return; // rooms are never deleted: nothing in a valid log comes here
    const { user, present } = op;
    switch (op.op) {
      case "member":
        if (present === room.members.has(user)) return;
        state.setMember(room, user, present);
        if (present && !room.shutDown) join(run, [user, roomTopic(room.name)]);
        if (!present) this.#left(room, user, run);
        return;
      case "pending":
        state.setPending(room, user, present);
        return;
      case "ban":
        if (!present) {
          room.banned.delete(user);
          return;
        }
        room.banned.add(user);
        room.invited.delete(user);
        if (room.pending.has(user)) state.setPending(room, user, false);
        if (room.members.has(user)) {
          state.setMember(room, user, false);
          this.#left(room, user, run);
        }
        // Not a member, yet perhaps subscribed by a change still on its way: none reaches them.
        leave(run, [user, roomTopic(room.name)]);
        return;
      case "invite":
        if (!present) {
          room.invited.delete(user);
          return;
        }
        room.invited.add(user);
        room.banned.delete(user);
        return;
    }
  }

  #left(room: RoomState, user: string, run: Run): void {
    this.hooks.stopTyping(room.name, user);
    leave(run, [user, roomTopic(room.name)]);
  }

  #message(key: string, message: StoredMessage): void {
    const state = this.#d.state;
    state.history.append(key, message);
    if (message.to !== undefined) state.conversations.touch(message.from, message.to, message.id);
    if (message.room !== undefined) this.hooks.stopTyping(message.room, message.from);
  }

  // Published once, encoded once: the same text goes to every topic and to later catch-ups.
  #publish(op: StoreOp): string | undefined {
    const { state, publisher } = this.#d;
    if (op.op === "msg") {
      const ready = op[ENCODED];
      const topics = topicsOf(op.key);
      const frame =
        ready === undefined
          ? publisher.publishEvent(topics, eventOf(op.message))
          : publisher.publishText(topics, ready);
      state.log.add(op.key, op.message, frame);
      return frame;
    }
    if (op.op !== "log") return undefined;
    const frame = publisher.publishEvent(topicsOf(op.entry.stream), eventOf(op.entry));
    state.log.add(op.entry.stream, op.entry, frame);
    return frame;
  }
}

/** The subscriptions a change moves, gathered while its state is applied. */
interface Run {
  joins: [string, string][];
  leaves: [string, string][];
  ops: readonly StoreOp[];
}

// Most changes (a message) move no subscription: their run shares these until one does.
const NONE: [string, string][] = [];
const NO_CONTEXT: ChangeContext = {};

function join(run: Run, move: [string, string]): void {
  if (run.joins === NONE) run.joins = [];
  run.joins.push(move);
}

function leave(run: Run, move: [string, string]): void {
  if (run.leaves === NONE) run.leaves = [];
  run.leaves.push(move);
}

// The greatest seq among a change's events (only a room shut down needs it, not each message).
function lastSeq(ops: readonly StoreOp[]): number {
  let last = 0;
  for (const op of ops) {
    if (op.op === "log") last = Math.max(last, op.entry.seq);
    else if (op.op === "msg") last = Math.max(last, op.message.seq ?? 0);
  }
  return last;
}

/** The topics a stream's events are published to. */
export function topicsOf(stream: string): string[] {
  const users = dmUsers(stream);
  if (users === null) return [stream];
  const [a, b] = users;
  return a === b ? [userTopic(a)] : [userTopic(a), userTopic(b)];
}
