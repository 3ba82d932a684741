/**
 * Read markers (SPEC 5.2): the `read` request, which moves the caller's marker in a room or a
 * DM conversation forward (one small op, with its `read` event in the log, told to all the
 * user's connections); the marker a join sets; and the unread and mention counts that `rooms`
 * gives each room of the caller.
 */
import type { RoomInfo, ServerMessage } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import { dmKey, roomKey } from "../store/store.ts";
import type { StoreOp } from "../store/store.ts";
import { userName } from "./accounts.ts";
import { isMessageId } from "./history-ids.ts";
import { mentionTest } from "./read-markers.ts";
import type { UnreadCounts } from "./read-markers.ts";
import { seeRoom } from "./room-access.ts";
import { readLock } from "./serial.ts";
import type { KeyedQueue } from "./serial.ts";
import type { ChatState } from "./state.ts";
import { commitEvents, userStream } from "./record.ts";
import type { EventFrame, NewEvent } from "./record.ts";
import type { Deps } from "./deps.ts";

/** What `read` marks: exactly one of a room and a DM partner. */
export interface ReadTarget {
  room?: string;
  user?: string;
}

/** The reply to `read`: the marker as it now stands, with what remains unread after it. */
export type ReadReply = Extract<ServerMessage, { type: "read" }>;

/** A marker's target resolved: its history key and how the wire names it. */
interface Resolved {
  key: string;
  named: { room: string } | { user: string };
}

/** The `read` event of a marker move (its `seq` is added as it is stored in the log). */
function readEvent(named: Resolved["named"], upTo: string): EventFrame {
  return { type: "read", ...named, upTo };
}

/** Read markers and unread counts over the shared state. */
export class Reads {
  #d: Deps;
  #queue: KeyedQueue;

  /** Markers over `deps`; `queue` orders the moves of one user's markers. */
  constructor(deps: Deps, queue: KeyedQueue) {
    this.#d = deps;
    this.#queue = queue;
  }

  /**
   * Mark a room (members only, as for `history`) or the DM conversation with a user read up to
   * message `upTo`. An id at or before the marker changes nothing; a later one must be a kept
   * message of that room or conversation (else not_found). Stored, then told to every
   * connection of the user; answers the marker as it stands and the counts after it.
   */
  mark(user: string, target: ReadTarget, upTo: string): Promise<ReadReply> {
    const { key, named } = this.#resolve(user, target);
    if (!isMessageId(upTo))
      throw new ChatError("bad_request", "malformed 'upTo': not a message id");
    return this.#queue.run([readLock(user)], async () => {
      const state = this.#d.state;
      const current = state.reads.get(user, key);
      if (current === undefined || upTo > current) {
        if (!isKept(state, key, upTo)) throw noSuchMessage(named);
        const op: StoreOp = { op: "read", user, key, upTo };
        const event: NewEvent = { stream: userStream(user), event: readEvent(named, upTo) };
        await commitEvents(this.#d, [op], [event]);
      }
      const marker = state.reads.get(user, key)!;
      return { type: "read", ...named, upTo: marker, ...this.counts(user, key) };
    });
  }

  /** The caller's unread and mention counts in history key `key`. */
  counts(user: string, key: string, mentions = mentionTest(user)): UnreadCounts {
    const state = this.#d.state;
    return state.reads.counts(key, state.history.kept(key), user, mentions);
  }

  /**
   * The rooms of a `rooms` page with the caller's counts added to each room they belong to:
   * O(kept messages after the marker) per room, at most the page size x `--history-limit`.
   */
  withCounts<T extends { rooms: RoomInfo[] }>(user: string, reply: T): T {
    const mentions = mentionTest(user);
    for (const room of reply.rooms) {
      if (room.role !== "admin" && room.role !== "member") continue;
      const { unread, mentions: named } = this.counts(user, roomKey(room.name), mentions);
      room.unread = unread;
      room.mentions = named;
    }
    return reply;
  }

  // The history key of a target the user may read: a room they are a member of (a hidden
  // room is not_found to others, a visible one forbidden), or their conversation with a user.
  #resolve(user: string, target: ReadTarget): Resolved {
    if (target.user !== undefined) {
      const other = userName(target.user);
      return { key: dmKey(user, other), named: { user: other } };
    }
    const room = seeRoom(this.#d.state, target.room ?? "", user);
    if (!room.members.has(user)) {
      throw new ChatError("forbidden", `you are not a member of '${room.name}'; join it first`);
    }
    return { key: roomKey(room.name), named: { room: room.name } };
  }
}

/**
 * The marker a new member of `room` starts with: its newest kept message, so that what was
 * said before they joined is not unread. Null when the room is empty or the marker is there.
 */
export function joinMark(state: ChatState, room: string, user: string): { op: StoreOp } | null {
  const key = roomKey(room);
  const { list } = state.history.kept(key);
  const newest = list[list.length - 1];
  const current = state.reads.get(user, key);
  if (!newest || (current !== undefined && newest.id <= current)) return null;
  return { op: { op: "read", user, key, upTo: newest.id } };
}

// Whether `id` is a kept message of `key` (the newest are looked at first).
function isKept(state: ChatState, key: string, id: string): boolean {
  const { list, start } = state.history.kept(key);
  for (let i = list.length - 1; i >= start; i--) {
    const m = list[i]!;
    if (m.id === id) return true;
    if (m.id < id) return false;
  }
  return false;
}

// The same answer whether the other user exists or not, so that it tells no names.
function noSuchMessage(named: Resolved["named"]): ChatError {
  const where = "room" in named ? `'${named.room}'` : `your conversation with '${named.user}'`;
  return new ChatError("not_found", `no such message in ${where} (or no longer kept)`);
}
