import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

/** `sync` from `since` on a fresh connection of `user`: the events, then the `synced` reply. */
async function sync(h: Harness, user: string, since: string, limit?: number) {
  const c = await h.login(user, "oneshot");
  c.received.length = 0;
  const synced = await h.call(c, { type: "sync", since, ...(limit ? { limit } : {}) });
  const events = c.received.filter((f) => f !== synced);
  return { events, synced: synced as { cursor: string; more: boolean; truncated: unknown[] } };
}

const said = (events: { type: string }[]) =>
  events.map((e) => {
    const f = e as Record<string, unknown>;
    return [f.type, f.room ?? f.to, f.text ?? f.event ?? f.approved].join(" ");
  });

async function cursorOf(h: Harness, c: FakeConn): Promise<string> {
  const session = await h.call(c, { type: "register", user: "bob", password: "password1" });
  return (session as { cursor: string }).cursor;
}

describe("sync", () => {
  test("a room's events count while one was a member: joined to left, both included", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    await h.call(alice, { type: "create", room: "r" });
    const since = await cursorOf(h, h.conn());
    const bob = await h.login("bob", "oneshot");
    await h.call(alice, { type: "send", room: "r", text: "before bob" });
    await h.call(bob, { type: "join", room: "r" });
    await h.call(alice, { type: "send", room: "r", text: "with bob" });
    await h.call(bob, { type: "leave", room: "r" });
    await h.call(alice, { type: "send", room: "r", text: "after bob" });
    await h.call(alice, { type: "edit", room: "r", topic: "unseen" });
    await h.call(bob, { type: "join", room: "r" });
    await h.call(alice, { type: "send", room: "r", text: "bob again" });
    const { events, synced } = await sync(h, "bob", since);
    expect(said(events)).toEqual([
      "member r joined",
      "message r with bob",
      "member r left",
      "member r joined",
      "message r bob again",
    ]);
    expect(synced).toMatchObject({ type: "synced", more: false, truncated: [] });
    // The cursor it answers is a since that gives nothing more.
    expect((await sync(h, "bob", synced.cursor)).events).toEqual([]);
  });

  test("pages follow each other in log order, none twice; a shut-down room's end is seen", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const since = await cursorOf(h, h.conn());
    const bob = await h.login("bob", "oneshot");
    for (const r of ["a", "b"]) {
      await h.call(alice, { type: "create", room: r });
      await h.call(bob, { type: "join", room: r });
    }
    for (let i = 0; i < 6; i++) {
      await h.call(alice, { type: "send", room: i % 2 ? "a" : "b", text: `m${i}` });
      await h.call(alice, { type: "dm", to: "bob", text: `d${i}` });
    }
    await h.call(alice, { type: "shutdown", room: "a" });
    const all: { type: string; seq?: string }[] = [];
    let cursor = since;
    for (let pages = 0; ; pages++) {
      const { events, synced } = await sync(h, "bob", cursor, 5);
      all.push(...events);
      expect(events.length).toBeLessThanOrEqual(5);
      if (!synced.more) break;
      cursor = synced.cursor;
      expect(pages).toBeLessThan(10);
    }
    const seqs = all.map((e) => String(e.seq));
    expect(seqs).toEqual([...new Set(seqs)].sort());
    expect(all.filter((e) => e.type === "message")).toHaveLength(6);
    expect(all.filter((e) => e.type === "dm")).toHaveLength(6);
    expect(all.at(-1)).toMatchObject({ type: "room_shutdown", room: "a" });
  });
});
