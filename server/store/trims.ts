/**
 * Trimming a loaded snapshot to the history limit (a folder written with a greater one): the
 * messages and the events kept for `sync` past the limit go, and what each stream dropped is
 * noted for `truncated`.
 */
import { setOwn } from "./own.ts";
import type { LogEntry, Snapshot, Trimmed } from "./store.ts";

/** Note that `key` drops the items before its last `limit` (call before cutting them). */
export function noteTrimmed(
  snapshot: Snapshot,
  key: string,
  list: readonly { seq?: number }[],
  limit: number,
): void {
  const cut = list.length - limit;
  if (cut <= 0) return;
  let count = 0;
  let first = 0;
  for (let i = 0; i < cut; i++) {
    const seq = list[i]!.seq;
    if (seq === undefined) continue; // stored by an older version: before any cursor
    count++;
    if (first === 0) first = seq;
  }
  const seq = list[cut - 1]!.seq;
  if (seq === undefined || count === 0) return;
  const trimmed = (snapshot.trimmed ??= {});
  const old = Object.hasOwn(trimmed, key) ? trimmed[key]! : null;
  // A new record each time: a compaction may hold the old one.
  const value: Trimmed = old
    ? { seq: Math.max(old.seq, seq), count: old.count + count, first: Math.min(old.first, first) }
    : { seq, count, first };
  setOwn(trimmed, key, value);
}

/** Trim every key of `history` to its last `limit` messages, in place. */
export function trimHistory(history: Snapshot["history"], limit: number) {
  for (const list of Object.values(history)) {
    if (list.length > limit) list.splice(0, list.length - limit);
  }
}

/** Trim every stream of `snapshot.log` to its last `limit` entries, in place. */
export function trimLog(snapshot: Snapshot, limit: number): void {
  for (const [stream, list] of Object.entries(snapshot.log ?? {})) {
    if (list.length > limit) trimEntries(snapshot, stream, list, limit);
  }
}

function trimEntries(snapshot: Snapshot, stream: string, list: LogEntry[], limit: number) {
  noteTrimmed(snapshot, stream, list, limit);
  list.splice(0, list.length - limit);
}

/** Note what trimming every key of `history` to `limit` drops (call before trimming). */
export function noteHistoryTrims(snapshot: Snapshot, limit: number): void {
  for (const [key, list] of Object.entries(snapshot.history)) {
    noteTrimmed(snapshot, key, list, limit);
  }
}
