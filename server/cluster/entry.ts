/**
 * One entry of the cluster's log: the changes an instance appended together (those of one
 * turn of its event loop), each with the id its writer waits for. The entry takes one number
 * per event of its changes (at least one per change), the first of which is its stream id,
 * so the seq of every event follows from its place in the entry.
 */
import type { StoreOp } from "../store/store.ts";
import { journalOp } from "../store/validate.ts";
import { numberEvents } from "../domain/change-log.ts";

/** One change of an entry: its writer's id and its ops. */
export interface EntryChange {
  id: string;
  ops: StoreOp[];
  /** The stream position its checks read the state at (see KeyedQueue). */
  at?: number;
  /** The keys its checks ran under: a change of one of them after `at` makes it stale. */
  reads?: readonly string[];
}

/** The numbers a change takes in the log: one per event, at least one. */
export function numbersOf(ops: readonly StoreOp[]): number {
  let events = 0;
  for (const op of ops) if (op.op === "msg" || op.op === "log") events++;
  return Math.max(1, events);
}

/**
 * The entry's text. Events are numbered 1, 2, ... within each change here (a stored event
 * always has a position); they are numbered again from the entry's stream id when read.
 */
export function encodeEntry(changes: readonly EntryChange[]): string {
  for (const change of changes) {
    let n = 1;
    numberEvents(change.ops, () => n++);
  }
  return JSON.stringify({ c: changes.map((c) => [c.id, c.ops, c.at ?? 0, c.reads ?? []]) });
}

/** The changes of an entry's fields, or null when the entry is not one this server wrote. */
export function parseEntry(fields: readonly string[]): EntryChange[] | null {
  const at = fields.indexOf("c");
  const text = fields[at + 1];
  if (at < 0 || typeof text !== "string") return null;
  let raw: { c?: unknown };
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(raw.c)) return null;
  const changes: EntryChange[] = [];
  for (const item of raw.c) {
    if (!Array.isArray(item) || typeof item[0] !== "string" || !Array.isArray(item[1])) return null;
    const ops: StoreOp[] = [];
    for (const x of item[1]) {
      const op = journalOp(x);
      if (op === null) return null;
      if (op !== "obsolete") ops.push(op);
    }
    const at = Number.isSafeInteger(item[2]) ? (item[2] as number) : 0;
    const reads = Array.isArray(item[3]) ? item[3].filter((k) => typeof k === "string") : [];
    changes.push({ id: item[0], ops, at, reads });
  }
  return changes;
}

/** Give each change of an entry at stream id `first` its events' positions, in order. */
export function numberEntry(changes: readonly EntryChange[], first: number): void {
  let next = first;
  for (const change of changes) {
    const start = next;
    let n = start;
    numberEvents(change.ops, () => n++);
    next = start + numbersOf(change.ops);
  }
}
