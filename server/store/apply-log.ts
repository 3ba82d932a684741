/**
 * The events kept for `sync` in a snapshot (log entries per stream) and what each stream has
 * dropped: changed by `log` ops in the in-memory store, and noted when loading trims a folder
 * written with a greater history limit.
 */
import { ownOrNew, setOwn } from "./own.ts";
import type { LogEntry, Snapshot, Trimmed } from "./store.ts";

/** Keep `entry` in its stream, at most `limit` entries. */
export function applyLogEntry(snapshot: Snapshot, entry: LogEntry, limit: number) {
  const all = (snapshot.log ??= {});
  const list = ownOrNew(all, entry.stream, (): LogEntry[] => []);
  const last = list[list.length - 1];
  if (last !== undefined && last.seq >= entry.seq) {
    if (list.some((e) => e.seq === entry.seq)) return; // replayed twice
  }
  if (entry.event.deleted === true && typeof entry.event.id === "string") {
    scrub(list, entry.event.id);
  }
  list.push(entry);
  if (list.length > limit) trimEntries(snapshot, entry.stream, list, limit);
}

// A deleted message's text leaves the events kept about it (earlier edits), in place: the
// entries are the store's own copies.
function scrub(list: LogEntry[], id: string): void {
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.event.id === id && "text" in e.event) {
      list[i] = { ...e, event: { ...e.event, text: "", deleted: true } };
    }
  }
}

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
