/**
 * A change with events that users may see later through `sync`: its ops and one `log` op per
 * event, appended to the log in one step (numbered, stored, applied and published there).
 */
import { formatSeq } from "../../shared/seq.ts";
import { roomKey } from "../store/store.ts";
import type { LogEntry, StoreOp } from "../store/store.ts";
import type { ChangeContext } from "./apply-change.ts";
import type { Deps } from "./deps.ts";

/** The frame of a stored event, without `seq` (added when it is numbered). */
export type EventFrame = { type: string; [field: string]: unknown };

/** One event of a stored change. */
export interface NewEvent {
  /** `roomStream(room)`, `dmKey(a, b)` or `userStream(user)`: who may see it. */
  stream: string;
  /** The frame as sent, without `seq`. */
  event: EventFrame;
}

/** The stream of a room's events (its members see them while they are members). */
export function roomStream(room: string): string {
  // The room's history key: its messages are kept in the same stream as its other events.
  return roomKey(room);
}

/** The stream of events addressed to `user` alone. */
export function userStream(user: string): string {
  return `user:${user}`;
}

/**
 * Append `ops` together with `events` (each a `log` op after them) as one change: once it is
 * durable it is applied (state, subscriptions) and its events kept for `sync` and published.
 * Resolves with the events' wire seqs; rejects with nothing applied when it is not stored.
 * Call it inside the change's lock, after every check.
 */
export async function commitEvents(
  d: Deps,
  ops: StoreOp[],
  events: NewEvent[],
  ctx?: ChangeContext,
): Promise<string[]> {
  const entries: LogEntry[] = events.map((e) => ({ seq: 0, stream: e.stream, event: e.event }));
  const all = [...ops, ...entries.map((entry): StoreOp => ({ op: "log", entry }))];
  await d.changes.append(all, ctx);
  return entries.map((e) => formatSeq(e.seq));
}
