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

  /** Keep at most `limit` messages per key. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Append a stored message to the end of its key, dropping the oldest past the limit. */
  append(key: string, message: StoredMessage): void {
    let list = this.#lists.get(key);
    if (!list) this.#lists.set(key, (list = []));
    list.push(message);
    if (message.clientId)
      this.#byClientId.set(clientKey(key, message.from, message.clientId), message);
    while (list.length > this.limit) {
      const dropped = list.shift()!;
      if (dropped.clientId) this.#byClientId.delete(clientKey(key, dropped.from, dropped.clientId));
    }
  }

  /** The message `from` sent to `key` with this client id, while it is in the window. */
  findByClientId(key: string, from: string, clientId: string): StoredMessage | undefined {
    return this.#byClientId.get(clientKey(key, from, clientId));
  }

  /**
   * Oldest first. Without cursors: the last `limit`. `before`: the last `limit` older than that
   * id. `after`: the first `limit` newer than that id (catch-up after a reconnect). An id no
   * longer in the window is compared by value: ids are time-ordered.
   */
  page(key: string, opts: PageOptions = {}): StoredMessage[] {
    const list = this.#lists.get(key) ?? [];
    const limit = Math.min(opts.limit ?? this.limit, this.limit);
    let start = 0;
    let end = list.length;
    if (opts.after !== undefined) start = cut(list, opts.after, true);
    if (opts.before !== undefined) end = Math.min(end, cut(list, opts.before, false));
    if (end <= start) return [];
    return opts.after !== undefined && opts.before === undefined
      ? list.slice(start, Math.min(end, start + limit))
      : list.slice(Math.max(start, end - limit), end);
  }
}

function clientKey(key: string, from: string, clientId: string): string {
  return `${key}\u0000${from}\u0000${clientId}`;
}

// The index just past `id` (after) or at `id` (before); by value when the id is not found.
function cut(list: StoredMessage[], id: string, isAfter: boolean): number {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.id === id) return isAfter ? i + 1 : i;
  }
  const i = list.findIndex((m) => (isAfter ? m.id > id : m.id >= id));
  return i < 0 ? list.length : i;
}
