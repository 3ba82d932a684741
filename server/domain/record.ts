/**
 * The one place a stored event gets its `seq`: a change that users may see later through `sync`
 * is committed together with its events, then applied, kept in the log and published, in that
 * order and in one step once the store has it.
 */
import { formatSeq } from "../../shared/seq.ts";
import { dmUsers, roomKey } from "../store/store.ts";
import type { LogEntry, StoreOp } from "../store/store.ts";
import type { Deps } from "./deps.ts";
import { userTopic } from "./types.ts";

/** The frame of a stored event, without `seq` (added here). */
export type EventFrame = { type: string; [field: string]: unknown };

/** One event of a stored change. */
export interface NewEvent {
  /** `roomStream(room)`, `dmKey(a, b)` or `userStream(user)`: who may see it. */
  stream: string;
  /** The frame as sent, without `seq`. */
  event: EventFrame;
  /** Publish it to the stream's topics once stored (default true); false: `sync` only. */
  publish?: boolean;
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

/** The topics a stream's events are published to. */
export function topicsOf(stream: string): string[] {
  const users = dmUsers(stream);
  if (users === null) return [stream];
  const [a, b] = users;
  return a === b ? [userTopic(a)] : [userTopic(a), userTopic(b)];
}

/**
 * Store `ops` together with `events` (each numbered now, in order, one `log` op each, all in one
 * commit), then, once durable: run `apply` (the state change, subscriptions), keep each event
 * for `sync` and publish it with its `seq`, then run `after` (unsubscribing someone who had to
 * hear the event first). Resolves with the events' wire seqs. When the commit
 * fails nothing is applied and it rejects with the store's error. Call it inside the change's
 * lock, after every check: the numbers are taken at once.
 */
export async function commitEvents(
  d: Deps,
  ops: StoreOp[],
  events: NewEvent[],
  apply?: () => void,
  after?: () => void,
): Promise<string[]> {
  const log = d.state.log;
  const entries: LogEntry[] = events.map((e) => ({
    seq: log.take(),
    stream: e.stream,
    event: e.event,
  }));
  const all = [...ops, ...entries.map((entry): StoreOp => ({ op: "log", entry }))];
  try {
    await d.store.commit(all);
  } catch (err) {
    for (const e of entries) log.settle(e.seq);
    throw err;
  }
  try {
    apply?.();
  } finally {
    entries.forEach((entry, i) => {
      if (events[i]!.publish === false) {
        log.add(entry.stream, entry);
      } else {
        // Serialised once: the same text goes to every topic and to each later catch-up.
        const frame = JSON.stringify({ ...entry.event, seq: formatSeq(entry.seq) });
        log.add(entry.stream, entry, frame);
        for (const topic of topicsOf(entry.stream)) d.publisher.publishText(topic, frame);
      }
      log.settle(entry.seq);
    });
  }
  after?.();
  return entries.map((e) => formatSeq(e.seq));
}
