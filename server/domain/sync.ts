/**
 * `sync`: every stored event after a cursor that the user could see when it happened, in log
 * order, one bounded page at a time. A room's events count while the user was a member (the
 * membership is read from the room's own `member` events, walking back from the present), a
 * DM's for both users, a user stream's for that user alone.
 */
import type { Truncation } from "../../shared/protocol.ts";
import { formatSeq } from "../../shared/seq.ts";
import { utf8Length } from "./history.ts";
import { isEntry, seqOf, userStream } from "./event-log.ts";
import type { FeedItem, Stream } from "./event-log.ts";
import { toChatMessage, toDirectMessage } from "./messages.ts";
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

/** A stream the user may see, and what kind. */
interface Source {
  key: string;
  stream: Stream;
  /** The room's name for a room stream, else null. */
  room: string | null;
  truncation: Truncation;
}

/**
 * The page of `user`'s events after `since`: at most `limit` events whose frames add up to at
 * most `maxBytes` (at least one event).
 */
export function syncPage(
  state: ChatState,
  user: string,
  since: number,
  limit: number,
  maxBytes: number,
): SyncPage {
  const picked: FeedItem[] = [];
  const truncated: Truncation[] = [];
  let isCut = false;
  for (const src of sources(state, user)) {
    const seen = visible(state, src, user, since, limit + 1);
    if (seen.items.length > limit) isCut = true;
    for (const item of seen.items) picked.push(item);
    if (seen.dropped > 0) truncated.push({ ...src.truncation, dropped: seen.dropped });
  }
  picked.sort((a, b) => seqOf(a) - seqOf(b));
  const frames: string[] = [];
  let bytes = 0;
  let last = since;
  for (const item of picked) {
    if (frames.length === limit) break;
    const frame = frameOf(item);
    bytes += utf8Length(frame);
    if (frames.length > 0 && bytes > maxBytes) break;
    frames.push(frame);
    last = seqOf(item);
  }
  const more = frames.length < picked.length || isCut;
  const cursor = more ? last : Math.max(last, state.log.position, since);
  return { frames, cursor, more, truncated };
}

/** An item as the frame `sync` sends (with its `seq`). */
export function frameOf(item: FeedItem): string {
  if (isEntry(item)) {
    return JSON.stringify({ ...item.event, seq: formatSeq(item.seq) });
  }
  return item.room !== undefined
    ? JSON.stringify({ type: "message", ...toChatMessage(item) })
    : JSON.stringify({ type: "dm", ...toDirectMessage(item) });
}

// The streams `user` may have seen something of: their rooms (and those they lost), their DM
// conversations and their own stream.
function* sources(state: ChatState, user: string): Generator<Source> {
  const log = state.log;
  const rooms = new Set(state.roomsOfUser(user));
  for (const room of log.leftRoomsOf(user).keys()) rooms.add(room);
  for (const room of rooms) {
    const key = `room:${room}`;
    const stream = log.stream(key);
    if (stream) yield { key, stream, room, truncation: { room, dropped: 0 } };
  }
  for (const key of log.dmStreamsOf(user)) {
    const stream = log.stream(key);
    const [, a, b] = key.split(":");
    const partner = a === user ? b! : a!;
    if (stream) yield { key, stream, room: null, truncation: { user: partner, dropped: 0 } };
  }
  const own = log.stream(userStream(user));
  if (own)
    yield {
      key: userStream(user),
      stream: own,
      room: null,
      truncation: { self: true, dropped: 0 },
    };
}

// The first `most` items of a stream after `since` that `user` could see, and how many items
// after `since` it could have seen have left the kept history.
function visible(
  state: ChatState,
  src: Source,
  user: string,
  since: number,
  most: number,
): { items: FeedItem[]; dropped: number } {
  const { items, start } = src.stream;
  const from = firstAfter(items, start, since);
  if (src.room === null) {
    return { items: items.slice(from, from + most), dropped: droppedAfter(src.stream, since) };
  }
  // Walking back from the present: a member now (or when the room was shut down) was one
  // before each later event unless the user's own `member` event says otherwise.
  let isMember = state.rooms.get(src.room)?.members.has(user) ?? false;
  const seen: boolean[] = new Array(items.length - from);
  for (let i = items.length - 1; i >= from; i--) {
    const item = items[i]!;
    const ownMove = isEntry(item) && item.event.type === "member" && item.event.user === user;
    if (ownMove) {
      seen[i - from] = true;
      isMember = item.event.event !== "joined";
    } else seen[i - from] = isMember;
  }
  const out: FeedItem[] = [];
  for (let i = from; i < items.length && out.length < most; i++) {
    if (seen[i - from]) out.push(items[i]!);
  }
  // Events dropped before the kept ones count only if the user was a member then.
  return { items: out, dropped: isMember ? droppedAfter(src.stream, since) : 0 };
}

// How many events after `since` a stream has dropped: exact when `since` is before the
// stream's first event or among the drops it remembers, else at least those it remembers.
function droppedAfter(stream: Stream, since: number): number {
  if (since >= stream.lastDropped) return 0;
  if (since < stream.firstSeq) return stream.droppedCount;
  const dropped = stream.dropped;
  return Math.max(1, dropped.length - firstAfterSeq(dropped, since));
}

// The index of the first item at or after `start` whose seq is greater than `since`.
function firstAfter(items: readonly FeedItem[], start: number, since: number): number {
  let lo = start;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqOf(items[mid]!) <= since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAfterSeq(seqs: readonly number[], since: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqs[mid]! <= since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
