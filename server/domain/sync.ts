/**
 * `sync`: every stored event after a cursor that the user could see when it happened, in log
 * order, one bounded page at a time. A room's events count while the user was a member (the
 * membership is read from the room's own `member` events, walking back from the present), a
 * DM's for both users, a user stream's for that user alone. The streams are merged lazily: a
 * page costs O(its events x log(streams)) plus one pass over each stream's events after the
 * cursor, whatever else the streams hold.
 */
import type { ServerMessage, Truncation } from "../../shared/protocol.ts";
import { isEntry } from "./event-log.ts";
import type { FeedItem, Stream } from "./event-log.ts";
import { dmUsers } from "../store/store.ts";
import type { LogEntry } from "../store/store.ts";
import { eventOf } from "./message-wire.ts";
import { roomStream, userStream } from "./record.ts";
import type { ChatState } from "./state.ts";

/** Events in one `sync` page by default, and at most. */
export const SYNC_PAGE = { default: 500, max: 5000 } as const;

/** One page of `sync`: its frames (serialised once), then what its `synced` says. */
export interface SyncPage {
  frames: string[];
  /** The position the page reaches: the next page's `since`. */
  cursor: number;
  more: boolean;
  truncated: Truncation[];
}

/** A stream the user may see, read forward from the cursor. */
interface Reader {
  /** The stream read (its `seqs`, `frames` and `sizes` go with its `items`, index for index). */
  stream: Stream;
  /** The index of the reader's current item (its head, once `advance` found one). */
  at: number;
  /** The room's name for a room stream, else null (everything is visible). */
  room: string | null;
  /** For a room: whether the user was a member at `at`. */
  isMember: boolean;
  /** For a room: the user's own `member` events after the cursor, oldest first. */
  moves: LogEntry[];
  /** The next of `moves` not yet reached. */
  moveAt: number;
  /** The seq of the head: the reader's place in the merge. */
  key: number;
}

/**
 * The page of `user`'s events after `since`: at most `limit` events whose frames add up to at
 * most `maxBytes` (at least one event). A kept event is sent as it was published; one
 * restored or changed since is encoded with `encode`, once, and kept.
 */
export function syncPage(
  state: ChatState,
  user: string,
  since: number,
  limit: number,
  maxBytes: number,
  encode: (msg: ServerMessage) => string,
): SyncPage {
  const truncated: Truncation[] = [];
  const heap: Heap = { readers: [], keys: [] };
  for (const src of sources(state, user, since)) {
    const reader = open(state, src, user, since);
    const dropped = droppedAfter(src.stream, since);
    // Events dropped before the kept ones count only if the user could have seen them.
    if (dropped > 0 && (src.room === null || reader.isMember)) {
      truncated.push({ ...src.truncation, dropped });
    }
    if (advance(reader)) push(heap, reader);
  }
  const frames: string[] = [];
  let bytes = 0;
  let last = since;
  const readers = heap.readers;
  while (readers.length > 0 && frames.length < limit) {
    const reader = readers[0]!;
    const { stream, at } = reader;
    // Sent as it was published; serialised here only once for an item restored or changed. The
    // merge reads the stream's arrays alone, not the items: a page touches little memory.
    let frame = stream.frames[at];
    if (frame === undefined) frame = stream.frames[at] = encode(eventOf(stream.items[at]!));
    let size = stream.sizes[at]!;
    // Counted once, by the first catch-up that sends it (a frame is never empty).
    if (size === 0) size = stream.sizes[at] = Buffer.byteLength(frame);
    bytes += size;
    if (frames.length > 0 && bytes > maxBytes) break;
    frames.push(frame);
    last = reader.key;
    if (advance(reader)) siftDown(heap);
    else pop(heap);
  }
  const more = readers.length > 0;
  const cursor = more ? last : Math.max(last, state.log.position, since);
  return { frames, cursor, more, truncated };
}

/** A stream the user may have seen something of. */
interface Source {
  stream: Stream;
  room: string | null;
  truncation: Truncation;
}

// Their rooms (and those they lost), their DM conversations and their own stream.
function* sources(state: ChatState, user: string, since: number): Generator<Source> {
  const log = state.log;
  const rooms = new Set(state.roomsOfUser(user));
  // A room left before `since` has nothing after it the user could see.
  for (const [room, leftAt] of log.leftRoomsOf(user)) if (leftAt > since) rooms.add(room);
  for (const room of rooms) {
    const stream = log.stream(roomStream(room));
    if (stream) yield { stream, room, truncation: { room, dropped: 0 } };
  }
  for (const key of log.dmStreamsOf(user)) {
    const stream = log.stream(key);
    const [a, b] = dmUsers(key)!;
    const partner = a === user ? b : a;
    if (stream) yield { stream, room: null, truncation: { user: partner, dropped: 0 } };
  }
  const own = log.stream(userStream(user));
  if (own) yield { stream: own, room: null, truncation: { self: true, dropped: 0 } };
}

// A reader at the first item after `since`. For a room, whether the user was a member there:
// a member now (or when the room was shut down) was one before each later event unless their
// own `member` event says otherwise, so the last such event after `since` decides.
function open(state: ChatState, src: Source, user: string, since: number): Reader {
  const { stream, room } = src;
  // One before the first item after `since`: `advance` moves to it.
  const at = firstAfter(stream.seqs, stream.start, since) - 1;
  const reader: Reader = { stream, at, room, isMember: true, moves: [], moveAt: 0, key: 0 };
  if (room === null) return reader;
  let isMember = state.rooms.get(room)?.members.has(user) ?? false;
  // Only the room's member events after `since` are looked at, not everything it said.
  const { moves, movesStart } = stream;
  for (let i = moves.length - 1; i >= movesStart && moves[i]!.seq > since; i--) {
    const move = moves[i]!;
    if (move.event.user !== user) continue;
    isMember = move.event.event !== "joined";
    reader.moves.push(move);
  }
  reader.moves.reverse();
  reader.isMember = isMember;
  return reader;
}

// Move `reader` to its next visible item; false when there is none.
function advance(reader: Reader): boolean {
  const { seqs } = reader.stream;
  let at = reader.at + 1;
  if (reader.room !== null) {
    const move = reader.moves[reader.moveAt];
    // Away from the room, nothing until one's own next joining: skipped at once.
    if (!reader.isMember) {
      at = move === undefined ? seqs.length : firstAfter(seqs, at, move.seq - 1);
    }
    // One's own joining and leaving are seen, and move the membership.
    if (move !== undefined && seqs[at] === move.seq) {
      reader.moveAt++;
      reader.isMember = move.event.event === "joined";
    }
  }
  reader.at = at;
  if (at >= seqs.length) return false;
  reader.key = seqs[at]!;
  return true;
}

// How many events after `since` a stream has dropped: exact when `since` is before the
// stream's first event or among the drops it remembers, else at least those it remembers.
function droppedAfter(stream: Stream, since: number): number {
  if (since >= stream.lastDropped) return 0;
  if (since < stream.firstSeq) return stream.droppedCount;
  const dropped = stream.dropped;
  return Math.max(1, dropped.length - firstAfter(dropped, 0, since));
}

// The index of the first of `seqs` at or after `start` greater than `since` (they are sorted).
function firstAfter(seqs: readonly number[], start: number, since: number): number {
  let lo = start;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqs[mid]! <= since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// A binary min-heap of readers by the seq of their head (seqs are distinct), with each slot's
// key beside it in `keys`: a comparison reads a number, not the reader behind it. A reader
// moves through a hole rather than by swaps: one write per level.
interface Heap {
  readers: Reader[];
  keys: number[];
}

function push(heap: Heap, reader: Reader): void {
  const { readers, keys } = heap;
  const key = reader.key;
  let i = readers.length;
  readers.push(reader);
  keys.push(key);
  while (i > 0) {
    const parent = (i - 1) >>> 1;
    if (keys[parent]! <= key) break;
    readers[i] = readers[parent]!;
    keys[i] = keys[parent]!;
    i = parent;
  }
  readers[i] = reader;
  keys[i] = key;
}

function pop(heap: Heap): void {
  const last = heap.readers.pop()!;
  heap.keys.pop();
  if (heap.readers.length === 0) return;
  heap.readers[0] = last;
  siftDown(heap);
}

// The top reader moved on (its key grew): put it back in its place.
function siftDown(heap: Heap): void {
  const { readers, keys } = heap;
  const n = readers.length;
  const moving = readers[0]!;
  const key = moving.key;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    let least = keys[child]!;
    if (child + 1 < n) {
      const right = keys[child + 1]!;
      if (right < least) {
        least = right;
        child++;
      }
    }
    if (least >= key) break;
    readers[i] = readers[child]!;
    keys[i] = least;
    i = child;
  }
  readers[i] = moving;
  keys[i] = key;
}
