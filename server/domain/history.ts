/** Messages kept in memory per room and DM conversation, and their bounded pages. */
import type { StoredMessage } from "../store/store.ts";

/** Options of a history query. */
export interface PageOptions {
  limit?: number;
  before?: string;
  after?: string;
}

/**
 * The last `limit` messages of each history key (a room or a DM pair), in memory, with an
 * index of client ids so that a resent request is recognised while its original is kept.
 */
export class History {
  readonly limit: number;
  #lists = new Map<string, StoredMessage[]>();
  #byClientId = new Map<string, StoredMessage>();
  /** Keys restored at load whose client ids are indexed only once first looked up. */
  #unindexed = new Set<string>();
  /** How many messages of each key were replaced (edits, deletions): what counts cache against. */
  #changes = new Map<string, number>();
  /** Messages appended but not yet put in their lists, by key, in order. */
  #waiting = new Map<string, StoredMessage[]>();
  #waitingCount = 0;
  /** The key last put in and its list: the next message to it, nothing waiting, goes straight in. */
  #lastKey: string | null = null;
  #lastList: StoredMessage[] = [];
  readonly #slack: number;

  /** Keep at most `limit` messages per key. */
  constructor(limit: number) {
    this.limit = limit;
    this.#slack = Math.max(16, Math.ceil(limit / 2));
  }

  /**
   * Append a stored message to the end of its key; the oldest past the limit leaves the window.
   * A list keeps up to `slack` messages before its window and drops them all at once, so that an
   * append costs O(1) on average instead of moving the whole list.
   *
   * The message waits with others and goes into its list with them, key by key, before
   * anything is next read (see `shouldSettle`): with many keys written in turn, each list is
   * then visited once for several messages instead of once per message, after it left the CPU
   * cache. A message to the key written last, with nothing waiting, goes straight in.
   */
  append(key: string, message: StoredMessage): void {
    if (this.#waitingCount === 0 && key === this.#lastKey) {
      this.#put(key, this.#lastList, message);
      return;
    }
    const waiting = this.#waiting.get(key);
    if (waiting) waiting.push(message);
    else this.#waiting.set(key, [message]);
    if (shouldSettle(++this.#waitingCount, this.#waiting.size)) this.#settle();
  }

  /** Put the waiting messages in their lists, in order, one key at a time. */
  #settle(): void {
    if (this.#waitingCount === 0) return;
    for (const [key, messages] of this.#waiting) {
      let list = this.#lists.get(key);
      if (!list) this.#lists.set(key, (list = []));
      for (const m of messages) this.#put(key, list, m);
      this.#lastKey = key;
      this.#lastList = list;
    }
    this.#waiting.clear();
    this.#waitingCount = 0;
  }

  #put(key: string, list: StoredMessage[], message: StoredMessage): void {
    list.push(message);
    if (message.clientId)
      this.#byClientId.set(clientKey(key, message.from, message.clientId), message);
    if (list.length <= this.limit) return;
    // Only read the message leaving the window when some client id is indexed: it was appended
    // `limit` messages ago, and with many keys it is no longer in the CPU cache.
    if (this.#byClientId.size > 0) {
      const left = list[list.length - 1 - this.limit]!;
      if (left.clientId) this.#byClientId.delete(clientKey(key, left.from, left.clientId));
    }
    if (list.length >= this.limit + this.#slack) list.splice(0, list.length - this.limit);
  }

  /**
   * Start `key` with `messages` (oldest first; at most the last `limit` are kept), as a state is
   * loaded: one copy of the list instead of an append per message, and their client ids
   * indexed when the key's are first looked up (a load need not read every message). Call it
   * before any append to `key`.
   */
  restore(key: string, messages: readonly StoredMessage[]): void {
    this.#settle();
    const list = messages.slice(Math.max(0, messages.length - this.limit));
    this.#lists.set(key, list);
    if (key === this.#lastKey) this.#lastList = list;
    this.#unindexed.add(key);
  }

  /**
   * The kept messages of `key` without copying them: `list` from index `start` on, and how many
   * of its messages were replaced so far (`changes`: the same window with the same count holds
   * the same messages).
   */
  kept(key: string): { list: readonly StoredMessage[]; start: number; changes: number } {
    this.#settle();
    const list = this.#lists.get(key) ?? NONE;
    const changes = this.#changes.get(key) ?? 0;
    return { list, start: Math.max(0, list.length - this.limit), changes };
  }

  /** Each key with its kept messages (a copy of the window), as a snapshot stores them. */
  *windows(): Generator<[string, StoredMessage[]]> {
    this.#settle();
    for (const [key, list] of this.#lists) {
      yield [key, list.slice(Math.max(0, list.length - this.limit))];
    }
  }

  /** The message `from` sent to `key` with this client id, while it is in the window. */
  findByClientId(key: string, from: string, clientId: string): StoredMessage | undefined {
    this.#settle();
    if (this.#unindexed.delete(key)) this.#indexWindow(key);
    return this.#byClientId.get(clientKey(key, from, clientId));
  }

  // Index the client ids of the window of `key`, oldest first (the newest of a client id wins).
  #indexWindow(key: string): void {
    const list = this.#lists.get(key) ?? NONE;
    for (let i = Math.max(0, list.length - this.limit); i < list.length; i++) {
      const m = list[i]!;
      if (m.clientId) this.#byClientId.set(clientKey(key, m.from, m.clientId), m);
    }
  }

  /** The message with `id` under `key` while it is in the window, or undefined. */
  find(key: string, id: string): StoredMessage | undefined {
    this.#settle();
    const list = this.#lists.get(key);
    if (!list) return undefined;
    const first = Math.max(0, list.length - this.limit);
    for (let i = list.length - 1; i >= first; i--) if (list[i]!.id === id) return list[i];
    return undefined;
  }

  /**
   * Put `message` in place of the message with its id under `key` (an edit or a deletion), in
   * the window and in the client-id index, so that nothing keeps the old text.
   */
  replace(key: string, message: StoredMessage): void {
    this.#settle();
    const list = this.#lists.get(key);
    if (!list) return;
    const i = list.findLastIndex((m) => m.id === message.id);
    if (i < 0) return;
    const ck = message.clientId && clientKey(key, message.from, message.clientId);
    if (ck && this.#byClientId.get(ck) === list[i]) this.#byClientId.set(ck, message);
    list[i] = message;
    this.#changes.set(key, (this.#changes.get(key) ?? 0) + 1);
  }

  /**
   * Oldest first. Without cursors: the last `limit`. `before`: the last `limit` older than that
   * id. `after`: the first `limit` newer than that id (catch-up after a reconnect). An id no
   * longer in the window is compared by value: ids are time-ordered.
   */
  page(key: string, opts: PageOptions = {}): StoredMessage[] {
    return this.boundedPage(key, opts, Infinity, () => 0).messages;
  }

  /**
   * Like `page`, and bounded in bytes: the page holds the messages nearest its cursor whose
   * `sizeOf` add up to at most `maxBytes` (at least one). `more` is true when the range asked
   * for holds messages beyond the page in its direction: older ones, or newer ones with `after`
   * alone. A page cut short by bytes says `more` exactly as one cut by `limit` does.
   */
  boundedPage(
    key: string,
    opts: PageOptions,
    maxBytes: number,
    sizeOf: (m: StoredMessage) => number,
  ): { messages: StoredMessage[]; more: boolean } {
    this.#settle();
    const list = this.#lists.get(key) ?? [];
    const limit = Math.min(opts.limit ?? this.limit, this.limit);
    const first = Math.max(0, list.length - this.limit); // the window: older ones wait to be cut
    let start = first;
    let end = list.length;
    if (opts.after !== undefined) start = cut(list, first, opts.after, true);
    if (opts.before !== undefined) end = Math.min(end, cut(list, first, opts.before, false));
    if (end <= start) return { messages: [], more: false };
    const isForward = opts.after !== undefined && opts.before === undefined;
    let bytes = 0;
    let n = 0;
    for (const most = Math.min(limit, end - start); n < most; n++) {
      const m = list[isForward ? start + n : end - 1 - n]!;
      bytes += sizeOf(m);
      if (n > 0 && bytes > maxBytes) break;
    }
    return isForward
      ? { messages: list.slice(start, start + n), more: start + n < end }
      : { messages: list.slice(end - n, end), more: end - n > start };
  }
}

/** The most messages waiting to go into their lists or streams (see `shouldSettle`). */
const WAITING_MAX = 4096;
/** Waiting messages per key (on average) at which waiting gains no more. */
const WAITING_PER_KEY = 16;

/**
 * Whether `count` messages waiting for `keys` keys should go into their lists now: when they
 * are many, or when they are several per key already (a few busy keys, whose lists are still
 * in the CPU cache: waiting longer would only keep messages alive past garbage collections
 * that would otherwise free them young).
 */
export function shouldSettle(count: number, keys: number): boolean {
  return count >= WAITING_MAX || count >= keys * WAITING_PER_KEY;
}

const NONE: readonly StoredMessage[] = [];

function clientKey(key: string, from: string, clientId: string): string {
  return `${key}\u0000${from}\u0000${clientId}`;
}

// The index just past `id` (after) or at `id` (before) in the window starting at `first`; by
// value when the id is not in it.
function cut(list: StoredMessage[], first: number, id: string, isAfter: boolean): number {
  for (let i = list.length - 1; i >= first; i--) {
    if (list[i]!.id === id) return isAfter ? i + 1 : i;
  }
  for (let i = first; i < list.length; i++) {
    const m = list[i]!;
    if (isAfter ? m.id > id : m.id >= id) return i;
  }
  return list.length;
}
