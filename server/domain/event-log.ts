/**
 * The deployment's one ordered log of stored events, as `sync` and `since` read it: the counter
 * that numbers the events of a log kept in this process, the position of the last event
 * applied, and the last `limit` events of each stream.
 *
 * Streams: `room:<name>` (seen by the room's members while they are members), `dm:<a>:<b>`
 * (seen by both users) and `user:<name>` (events addressed to one user: join requests to an
 * admin, decisions, invites, read markers). Room and DM streams use the history keys, so a
 * stream's messages are the very objects the history keeps.
 */
import type { LogEntry, StoredMessage, Trimmed } from "../store/store.ts";
import { shouldSettle } from "./history.ts";

/** One retained event: a stored message (room or DM) or a logged event of another kind. */
export type FeedItem = StoredMessage | LogEntry;

/** The position of an item (a message stored by an older version has none: 0). */
export function seqOf(item: FeedItem): number {
  return item.seq ?? 0;
}

/** Whether an item is a logged event rather than a message. */
export function isEntry(item: FeedItem): item is LogEntry {
  return "event" in item;
}

/** A stream's retained events and what it has dropped. */
export interface Stream {
  /** Oldest first, by seq; the kept window starts at `start`. */
  items: FeedItem[];
  /** The seq of each item (same index): a catch-up merges streams without reading the items. */
  seqs: number[];
  /**
   * The frame each item was published as (same index as `items`), once known: a catch-up
   * sends it as it is instead of serialising the event again. Undefined for an item restored
   * at start-up or changed since (an edit), until a catch-up first serialises it.
   */
  frames: (string | undefined)[];
  /**
   * The UTF-8 bytes of each frame once a catch-up counted it (0 until then: counting every
   * published frame would cost each message a pass over its text).
   */
  sizes: number[];
  start: number;
  /** The seqs of recently dropped items, oldest first (between the limit and 1.5 times it). */
  dropped: number[];
  /** The greatest seq ever dropped from this stream (0: none). */
  lastDropped: number;
  /** How many items the stream has dropped in all. */
  droppedCount: number;
  /** The least seq the stream ever held (0: none yet). */
  firstSeq: number;
  /** The greatest seq of a logged event (not a message) the stream took (0: none). */
  lastEntry: number;
  /** The kept `member` events of a room stream, oldest first (from `movesStart` on). */
  moves: LogEntry[];
  movesStart: number;
}

/** What a restart restores the log from. */
export interface LogSeed {
  /** Retained items per stream (any order; sorted here). */
  streams: Iterable<[string, FeedItem[]]>;
  /** What each stream had dropped when it was stored. */
  trimmed?: Record<string, Trimmed>;
}

/** The numbering of stored events and the events kept for `sync`. */
export class EventLog {
  readonly limit: number;
  #last = 0;
  #floor = 0;
  #streams = new Map<string, Stream>();
  #dmsOf = new Map<string, Set<string>>();
  /** user -> room -> seq of the event that ended the user's membership (left, kicked, shut down). */
  #leftRooms = new Map<string, Map<string, number>>();
  /** Messages added but not yet put in their streams, by stream: item, frame, item, ... */
  #waiting = new Map<string, (FeedItem | string | undefined)[]>();
  #waitingCount = 0;
  /** The stream last put in: the next message to it, nothing waiting, goes straight in. */
  #lastKey: string | null = null;
  #lastStream: Stream | null = null;
  readonly #slack: number;

  /** A log keeping `limit` events per stream, restored from `seed`. */
  constructor(limit: number, seed?: LogSeed) {
    this.limit = limit;
    this.#slack = Math.max(16, Math.ceil(limit / 2));
    if (!seed) return;
    for (const [key, items] of seed.streams) {
      const kept = items.filter((i) => seqOf(i) > 0).sort((a, b) => seqOf(a) - seqOf(b));
      for (const item of kept) this.add(key, item);
    }
    this.#settle();
    for (const [key, t] of Object.entries(seed.trimmed ?? {})) {
      const s = this.#stream(key);
      s.lastDropped = Math.max(s.lastDropped, t.seq);
      s.droppedCount += t.count;
      s.firstSeq = s.firstSeq === 0 ? t.first : Math.min(s.firstSeq, t.first);
    }
    this.#floor = this.#last;
  }

  /**
   * The position of the last event applied: a session's `cursor`. Changes are applied in the
   * order of the log, so every event before it was applied too (or its change was refused).
   */
  get position(): number {
    return this.#floor;
  }

  /** The greatest number given or applied so far. */
  get last(): number {
    return this.#last;
  }

  /** Number the next stored event (a log kept in this process numbers its own changes). */
  take(): number {
    return ++this.#last;
  }

  /**
   * Keep a stored event for `sync` (in seq order: call it as the event is published), with the
   * frame it was published as when there is one. Its seq becomes the log's position.
   *
   * A message waits with others and goes into its stream with them, stream by stream, when a
   * stream is next read or enough wait (see `shouldSettle`): with many streams written in turn,
   * each stream's arrays are then visited once for several messages instead of once per
   * message, by which time they have left the CPU cache. Any other event puts them in first. A
   * message to the stream written last, with nothing waiting, goes straight in.
   */
  add(stream: string, item: FeedItem, frame?: string): void {
    const seq = seqOf(item);
    if (seq > this.#last) this.#last = seq;
    if (seq > this.#floor) this.#floor = seq;
    this.#index(stream, item);
    if (isEntry(item)) {
      this.#settle();
      this.#keep(this.#stream(stream), stream, item, frame);
      return;
    }
    if (this.#waitingCount === 0 && stream === this.#lastKey) {
      this.#keep(this.#lastStream!, stream, item, frame);
      return;
    }
    const waiting = this.#waiting.get(stream);
    if (waiting) waiting.push(item, frame);
    else this.#waiting.set(stream, [item, frame]);
    if (shouldSettle(++this.#waitingCount, this.#waiting.size)) this.#settle();
  }

  /** Put the waiting messages in their streams, in order, one stream at a time. */
  #settle(): void {
    if (this.#waitingCount === 0) return;
    for (const [key, waiting] of this.#waiting) {
      const s = this.#stream(key);
      for (let i = 0; i < waiting.length; i += 2) {
        this.#keep(s, key, waiting[i] as FeedItem, waiting[i + 1] as string | undefined);
      }
      this.#lastKey = key;
      this.#lastStream = s;
    }
    this.#waiting.clear();
    this.#waitingCount = 0;
  }

  #keep(s: Stream, stream: string, item: FeedItem, frame: string | undefined): void {
    const seq = seqOf(item);
    const { items, seqs } = s;
    let at = items.length;
    while (at > s.start && seqs[at - 1]! > seq) at--;
    if (at > s.start && seqs[at - 1] === seq) return; // replayed twice
    if (s.firstSeq === 0 || seq < s.firstSeq) s.firstSeq = seq;
    if (at === items.length) {
      items.push(item);
      seqs.push(seq);
      s.frames.push(frame);
      s.sizes.push(0); // counted when a catch-up first sends it
    } else {
      items.splice(at, 0, item);
      seqs.splice(at, 0, seq);
      s.frames.splice(at, 0, frame);
      s.sizes.splice(at, 0, 0);
    }
    if (isEntry(item)) {
      if (seq > s.lastEntry) s.lastEntry = seq;
      if (item.event.type === "member") addMove(s, item);
      if (stream[0] !== "u") this.#update(s, item.event);
    }
    if (items.length - s.start > this.limit) this.#drop(s);
  }

  /** Each stream's kept events other than messages, and what it dropped, as a snapshot stores them. */
  *saved(): Generator<{ key: string; entries: LogEntry[]; trimmed: Trimmed | null }> {
    this.#settle();
    for (const [key, s] of this.#streams) {
      const entries: LogEntry[] = [];
      // A stream of messages alone is not read item by item (a compaction visits every stream).
      const hasEntries = s.start < s.items.length && s.lastEntry >= s.seqs[s.start]!;
      for (let i = hasEntries ? s.start : s.items.length; i < s.items.length; i++) {
        const item = s.items[i]!;
        if (isEntry(item)) entries.push(item);
      }
      const trimmed =
        s.droppedCount > 0
          ? { seq: s.lastDropped, count: s.droppedCount, first: s.firstSeq }
          : null;
      yield { key, entries, trimmed };
    }
  }

  /** A stream, or undefined when it never had an event. */
  stream(key: string): Stream | undefined {
    this.#settle();
    return this.#streams.get(key);
  }

  /** The DM streams `user` takes part in. */
  dmStreamsOf(user: string): ReadonlySet<string> {
    return this.#dmsOf.get(user) ?? EMPTY;
  }

  /** Rooms whose membership `user` lost (room -> seq of that event). */
  leftRoomsOf(user: string): ReadonlyMap<string, number> {
    return this.#leftRooms.get(user) ?? NO_ROOMS;
  }

  /** Remember that `members` lost room `room` (it was shut down by the event numbered `seq`). */
  roomEnded(room: string, members: Iterable<string>, seq: number): void {
    for (const m of members) this.#left(m, room, seq);
  }

  #stream(key: string): Stream {
    let s = this.#streams.get(key);
    if (!s) {
      s = {
        items: [],
        seqs: [],
        frames: [],
        sizes: [],
        start: 0,
        dropped: [],
        lastDropped: 0,
        droppedCount: 0,
        firstSeq: 0,
        lastEntry: 0,
        moves: [],
        movesStart: 0,
      };
      this.#streams.set(key, s);
    }
    return s;
  }

  #drop(s: Stream): void {
    // The seq from `seqs`, not from the item: with many streams the item, stored `limit` events
    // ago, is no longer in the CPU cache, and only a stream with moves compares it.
    const seq = s.seqs[s.start]!;
    s.dropped.push(seq);
    if (s.dropped.length >= this.limit + this.#slack) s.dropped.splice(0, this.#slack);
    s.lastDropped = Math.max(s.lastDropped, seq);
    s.droppedCount++;
    if (s.movesStart < s.moves.length && s.moves[s.movesStart] === s.items[s.start]) s.movesStart++;
    if (s.movesStart >= this.#slack) {
      s.moves.splice(0, s.movesStart);
      s.movesStart = 0;
    }
    s.start++;
    // Dropped in batches, so that keeping a full stream costs O(1) per event on average.
    if (s.start >= this.#slack) {
      s.items.splice(0, s.start);
      s.seqs.splice(0, s.start);
      s.frames.splice(0, s.start);
      s.sizes.splice(0, s.start);
      s.start = 0;
    }
  }

  // An event about a message of its stream (an edit, a deletion) changes the kept message, so
  // that `sync` shows the latest text; a deletion also blanks the text of earlier such events.
  #update(s: Stream, e: LogEntry["event"]): void {
    if (typeof e.id !== "string") return;
    const items = s.items;
    for (let i = items.length - 1; i >= s.start; i--) {
      const item = items[i]!;
      if (!isEntry(item)) {
        if (item.id !== e.id) continue;
        items[i] = changed(item, e);
        s.frames[i] = undefined;
        s.sizes[i] = 0;
      } else if (e.deleted === true && item.event.id === e.id && "text" in item.event) {
        items[i] = { ...item, event: { ...item.event, text: "", deleted: true } };
        s.frames[i] = undefined;
        s.sizes[i] = 0;
      }
    }
  }

  #index(stream: string, item: FeedItem): void {
    if (!isEntry(item)) {
      if (item.to !== undefined) {
        indexSet(this.#dmsOf, item.from, stream);
        indexSet(this.#dmsOf, item.to, stream);
      }
      return;
    }
    const e = item.event;
    if (e.type === "member" && typeof e.user === "string" && e.event !== "joined") {
      this.#left(e.user, String(e.room), item.seq);
    }
  }

  #left(user: string, room: string, seq: number): void {
    let rooms = this.#leftRooms.get(user);
    if (!rooms) this.#leftRooms.set(user, (rooms = new Map()));
    rooms.set(room, seq);
  }
}

// A message as an event about it says it is now (its text, edit time, deletion).
function changed(m: StoredMessage, e: LogEntry["event"]): StoredMessage {
  const next: StoredMessage = { ...m };
  if (typeof e.text === "string") next.text = e.text;
  if (typeof e.edited === "string") next.edited = e.edited;
  if (e.deleted === true) {
    next.deleted = true;
    next.text = "";
  }
  return next;
}

// Keep a member event in seq order among the stream's moves (replayed ones may come late).
function addMove(s: Stream, entry: LogEntry): void {
  let at = s.moves.length;
  while (at > s.movesStart && s.moves[at - 1]!.seq > entry.seq) at--;
  s.moves.splice(at, 0, entry);
}

function indexSet(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

const EMPTY: ReadonlySet<string> = new Set();
const NO_ROOMS: ReadonlyMap<string, number> = new Map();
