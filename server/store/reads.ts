/**
 * Read markers in a snapshot: per user, per history key (a room or a DM pair), the id of the
 * last message read. Plain functions on the record, shared by the in-memory store and the check
 * of the files.
 * A marker only moves forward: ids are time-ordered, so a later message has a greater id.
 */
import { ownOrNew, setOwn } from "./own.ts";

/** user -> history key -> id of the last message read. */
export type ReadMarks = Record<string, Record<string, string>>;

/**
 * Move the marker of `user` in `key` to `upTo`, in place, unless it is there or further
 * already (a replayed or an older move changes nothing). True when it moved.
 */
export function moveMark(all: ReadMarks, user: string, key: string, upTo: string): boolean {
  const marks = ownOrNew(all, user, (): Record<string, string> => ({}));
  const current = Object.hasOwn(marks, key) ? marks[key]! : "";
  if (upTo <= current) return false;
  setOwn(marks, key, upTo);
  return true;
}
