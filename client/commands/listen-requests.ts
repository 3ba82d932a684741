/**
 * The requests of `chat listen`: a request refused as `rate_limited` is asked again after the
 * wait the server names, and many rooms are asked a few at a time, so that listening to many
 * rooms (at start, and in the catch-up after a reconnect) stays within the server's request
 * burst instead of failing; the rooms listened to are read from every page of `rooms`.
 */
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import { type Connection, rateLimitDelay } from "../connection.ts";
import { ChatError } from "../errors.ts";
import { expectReply } from "./util.ts";

/** A `history` request as the connection sends it. */
export type HistoryRequest = Extract<Parameters<Connection["request"]>[0], { type: "history" }>;
/** A `history` reply. */
export type HistoryReply = Extract<ServerMessage, { type: "history" }>;

// A page refused as rate limited this many times in a row is given up on (the error is thrown).
const RATE_LIMITED_ATTEMPTS = 10;
/** History requests of one listen in flight at once: well under any request burst. */
export const HISTORY_IN_FLIGHT = 20;

/** One history page; `rate_limited` is waited out and asked again, other errors thrown. */
export async function historyPage(conn: Connection, msg: HistoryRequest): Promise<HistoryReply> {
  return expectReply(await patiently(conn, msg), "history");
}

/** The rooms the user belongs to (or administers), from every page of `rooms`. */
export async function memberRooms(conn: Connection): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const msg: ClientMessage = cursor === undefined ? { type: "rooms" } : { type: "rooms", cursor };
    const reply = expectReply(await patiently(conn, msg), "rooms");
    for (const r of reply.rooms) if (r.role === "admin" || r.role === "member") names.push(r.name);
    // A server that says `next` without moving on is not followed.
    if (typeof reply.next !== "string" || reply.next <= (cursor ?? "")) return names;
    cursor = reply.next;
  }
}

async function patiently(
  conn: Connection,
  msg: Parameters<Connection["request"]>[0],
): Promise<ServerMessage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await conn.request(msg);
    } catch (err) {
      const isLimited = err instanceof ChatError && err.code === "rate_limited";
      if (!isLimited || attempt >= RATE_LIMITED_ATTEMPTS) throw err;
      await Bun.sleep(rateLimitDelay(err.retryAfterMs));
    }
  }
}

/** Run `task` for every item, at most `limit` at once; rejects with the first failure. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
