/**
 * The client side of byte-bounded history pages: a catch-up after a reconnect follows `more`
 * past a page cut short by bytes, so nothing is skipped; an older server (no `more`) is paged
 * as before, by a full page.
 */
import { describe, expect, test } from "bun:test";
import { fetchDmsAfter, fetchRoomAfter } from "../../client/interactive/timeline.ts";
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";

const TS = "2026-11-25T12:00:00.000Z";
const ids = Array.from({ length: 50 }, (_, i) => `m${String(i).padStart(3, "0")}`);

/** A server whose pages hold at most `perPage` messages after `after`, saying `more` or not. */
function pagedServer(perPage: number, saysMore: boolean) {
  const asked: ClientMessage[] = [];
  const request = async (m: ClientMessage): Promise<ServerMessage> => {
    asked.push(m);
    if (m.type !== "history") return { type: "ok" };
    const from = m.after === undefined ? 0 : ids.indexOf(m.after) + 1;
    const page = ids.slice(from, from + perPage);
    const messages = page.map((id) =>
      m.room !== undefined
        ? { id, room: m.room, from: "bob", text: id, ts: TS }
        : { id, from: "bob", to: "alice", text: id, ts: TS },
    );
    const reply: ServerMessage = { type: "history", messages };
    if (saysMore) reply.more = from + perPage < ids.length;
    return reply;
  };
  return { request, asked };
}

describe("Catch-up across byte-bounded history pages", () => {
  test("a room's catch-up follows `more` through short pages and shows every message once", async () => {
    const server = pagedServer(7, true);
    const shown: string[] = [];
    await fetchRoomAfter(server.request, "lobby", "m004", (m) => shown.push(m.id));
    expect(shown).toEqual(ids.slice(5));
    expect(server.asked.length).toBe(7);
  });

  test("a DM catch-up does the same", async () => {
    const server = pagedServer(7, true);
    const shown: string[] = [];
    await fetchDmsAfter(server.request, "bob", "m010", (m) => shown.push(m.id));
    expect(shown).toEqual(ids.slice(11));
  });

  test("without `more` (an older server) a short page ends the catch-up", async () => {
    const server = pagedServer(7, false);
    const shown: string[] = [];
    await fetchRoomAfter(server.request, "lobby", "m004", (m) => shown.push(m.id));
    expect(shown).toEqual(ids.slice(5, 12));
    expect(server.asked.length).toBe(1);
  });
});
