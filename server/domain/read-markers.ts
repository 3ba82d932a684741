/**
 * Read markers in memory (SPEC 5.2), and the unread and mention counts they give: per user, per
 * history key (a room or a DM pair), the id of the last message read. Counting looks only at the
 * kept history after the marker, so it is bounded by `--history-limit` per room or conversation.
 */
import type { ReadMarks } from "../store/reads.ts";
import type { StoredMessage } from "../store/store.ts";

/** What `rooms` and `conversations` say of one room or conversation. */
export interface UnreadCounts {
  /** Messages after the marker, not the user's own. */
  unread: number;
  /** Those of them naming the user as a word or as `@user`. */
  mentions: number;
}

/** The kept messages of one history key: `list` from index `start` on, oldest first. */
export interface KeptMessages {
  list: readonly StoredMessage[];
  start: number;
  /** How many messages of the key were replaced (edited, deleted) so far; 0 when none. */
  changes?: number;
}

/** The last counts of one reader in one history key, and the window they were counted over. */
interface Counted extends UnreadCounts {
  marker: string;
  /** The ids of the oldest and newest kept messages ("" when none). */
  oldest: string;
  newest: string;
  changes: number;
}

/**
 * What one reader's mention tests in one history key found, so that each text is tested once
 * per reader: messages are known by identity, so an edited one (a new object) is tested again.
 */
interface MentionScan {
  /** Every message up to this id was tested when it was new. */
  scannedTo: string;
  /** The messages after the marker found naming the reader. */
  found: Set<StoredMessage>;
  /** Edited messages tested since (a replaced one is dropped with its object). */
  edited: WeakSet<StoredMessage>;
  /** The counts last given, answered again while nothing they depend on changed. */
  counted?: Counted;
}

/**
 * Every user's read markers, kept in step with the store (commit first, then `move`), and what
 * counting their mentions found so far: a `rooms` call reads only the texts that arrived since
 * the last one, so asking again and again costs O(kept messages) comparisons, not regex scans.
 */
export class ReadMarkers {
  #marks = new Map<string, Map<string, string>>();
  #scans = new Map<string, Map<string, MentionScan>>();

  /** The markers of a snapshot. */
  constructor(stored: ReadMarks = {}) {
    for (const [user, marks] of Object.entries(stored)) {
      for (const [key, id] of Object.entries(marks)) this.move(user, key, id);
    }
  }

  /** Every marker, as a snapshot stores them. */
  marks(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [user, marks] of this.#marks) out[user] = Object.fromEntries(marks);
    return out;
  }

  /** The id `user` has read `key` up to, or undefined when never marked. */
  get(user: string, key: string): string | undefined {
    return this.#marks.get(user)?.get(key);
  }

  /** Move the marker forward to `upTo`; an older id changes nothing. True when it moved. */
  move(user: string, key: string, upTo: string): boolean {
    let marks = this.#marks.get(user);
    if (!marks) this.#marks.set(user, (marks = new Map()));
    const current = marks.get(key);
    if (current !== undefined && upTo <= current) return false;
    marks.set(key, upTo);
    return true;
  }

  /**
   * The unread and mention counts of `user` in `key`, whose kept messages are `kept`: messages
   * of others after the marker (all kept ones when there is none), deleted ones left out.
   * O(kept messages after the marker) lookups, plus one `mentions` test of each text (new or
   * edited) not tested before; O(1) when the marker and the window are as at the last call.
   */
  counts(key: string, kept: KeptMessages, user: string, mentions: RegExp): UnreadCounts {
    const marker = this.get(user, key) ?? "";
    const scan = this.#scan(user, key);
    const { list, start } = kept;
    // The same marker over the same window (no message came, left or was replaced): the same
    // counts, in O(1), so that `rooms` asked again and again over quiet rooms reads nothing.
    const window = {
      marker,
      oldest: list[start]?.id ?? "",
      newest: list.length > start ? list[list.length - 1]!.id : "",
      changes: kept.changes ?? 0,
    };
    const last = scan.counted;
    if (
      last !== undefined &&
      last.marker === window.marker &&
      last.oldest === window.oldest &&
      last.newest === window.newest &&
      last.changes === window.changes
    ) {
      return { unread: last.unread, mentions: last.mentions };
    }
    let unread = 0;
    let named = 0;
    for (let i = list.length - 1; i >= start && list[i]!.id > marker; i--) {
      const m = list[i]!;
      if (m.from === user || m.deleted) continue;
      unread++;
      if (this.#isNamed(scan, m, mentions)) named++;
    }
    if (list.length > start) scan.scannedTo = maxId(scan.scannedTo, list[list.length - 1]!.id);
    // Messages read since, or no longer kept, are forgotten.
    const floor = maxId(marker, list.length > start ? list[start]!.id : scan.scannedTo);
    for (const m of scan.found) if (m.id < floor || m.id === marker) scan.found.delete(m);
    scan.counted = { ...window, unread, mentions: named };
    return { unread, mentions: named };
  }

  #isNamed(scan: MentionScan, m: StoredMessage, mentions: RegExp): boolean {
    const isUntested = m.id > scan.scannedTo || (m.edited !== undefined && !scan.edited.has(m));
    if (!isUntested) return scan.found.has(m);
    if (m.edited !== undefined) scan.edited.add(m);
    const isNamed = mentions.test(m.text);
    if (isNamed) scan.found.add(m);
    return isNamed;
  }

  #scan(user: string, key: string): MentionScan {
    let scans = this.#scans.get(user);
    if (!scans) this.#scans.set(user, (scans = new Map()));
    let scan = scans.get(key);
    if (!scan) scans.set(key, (scan = { scannedTo: "", found: new Set(), edited: new WeakSet() }));
    return scan;
  }
}

function maxId(a: string, b: string): string {
  return a > b ? a : b;
}

// The characters of a name: a name next to one of them is part of a longer word.
const NAME_CHAR = "[a-z0-9_-]";

/**
 * A test for a text naming `user`: as a word or as `@user`, any case, never inside a longer
 * name (`bob` is not named by `bobby` or `bob-x`).
 */
export function mentionTest(user: string): RegExp {
  const name = user.replace(/[^a-z0-9_-]/g, (c) => `\\${c}`);
  return new RegExp(`(?<!${NAME_CHAR})${name}(?!${NAME_CHAR})`, "i");
}
