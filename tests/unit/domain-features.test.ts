import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../server/config.ts";
import { DEFAULT_REPLY_BOUNDS } from "../../server/domain/bounds.ts";
import { emptySnapshot } from "../../server/store/store.ts";
import { replayed } from "../helpers/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { Harness } from "../helpers/domain.ts";
import { roomRecord } from "../helpers/records.ts";

describe("Edits and deletions count as messages", () => {
  test("past the message burst an amend, a delete, an away, a ban and an invite are rate limited; nothing changes", async () => {
    const h = new Harness({ isRateLimited: true });
    const { alice } = await h.lobby();
    const sent = (await h.call(alice, { type: "send", room: "lobby", text: "first" })) as {
      message: { id: string };
    };
    const id = sent.message.id;
    for (let i = 0; i < 19; i++) {
      await h.call(alice, { type: "amend", room: "lobby", messageId: id, text: `take ${i}` });
    }
    const amend = await h.request(alice, {
      type: "amend",
      room: "lobby",
      messageId: id,
      text: "one more",
    });
    expect(amend).toMatchObject({ code: "rate_limited" });
    const del = await h.request(alice, { type: "delete", room: "lobby", messageId: id });
    expect(del).toMatchObject({ code: "rate_limited" });
    expect(await h.request(alice, { type: "away", message: "out" })).toMatchObject({
      code: "rate_limited",
    });
    await h.user("carol");
    for (const type of ["ban", "invite"]) {
      expect(await h.request(alice, { type, room: "lobby", user: "carol" })).toMatchObject({
        code: "rate_limited",
      });
    }
    const page = (await h.call(alice, { type: "history", room: "lobby" })) as {
      messages: { text: string; deleted?: true }[];
    };
    expect(page.messages).toEqual([expect.objectContaining({ text: "take 18" })]);
    h.clock.advance(100);
    await h.call(alice, { type: "delete", room: "lobby", messageId: id });
  });

  test("each change is one journal line holding no text for a deletion", async () => {
    const h = new Harness();
    const { alice } = await h.lobby();
    const sent = (await h.call(alice, { type: "send", room: "lobby", text: "gone soon" })) as {
      message: { id: string };
    };
    const lines: string[] = [];
    const commit = h.store.commit.bind(h.store);
    h.store.commit = (ops) => {
      for (const op of ops) lines.push(JSON.stringify(op));
      return commit(ops);
    };
    await h.call(alice, { type: "delete", room: "lobby", messageId: sent.message.id });
    expect(lines.filter((l) => !l.startsWith('{"op":"log"'))).toEqual([
      expect.stringContaining('"op":"msg_delete"'),
    ]);
    expect(lines.join("\n")).not.toContain("gone soon");
  });
});

describe("Moderation flags", () => {
  test("--max-bans-per-room and --max-invites-per-room are whole numbers; 0 means no bound", () => {
    const flags = ["--max-bans-per-room", "5", "--max-invites-per-room", "0"];
    expect(parseConfig(flags, {}).moderation).toEqual({ maxBansPerRoom: 5, maxInvitesPerRoom: 0 });
    expect(() => parseConfig(["--max-bans-per-room", "many"], {})).toThrow(
      "--max-bans-per-room must be a whole number",
    );
    // Off with the other quotas under --no-rate-limit, unless given.
    expect(parseConfig(["--no-rate-limit"], {}).moderation).toEqual({
      maxBansPerRoom: 0,
      maxInvitesPerRoom: 0,
    });
  });
});

describe("The store ops of edits and moderation", () => {
  const room = () =>
    roomRecord("club", {
      admin: "alice",
      open: false,
      members: ["alice", "bob"],
      pending: ["carol"],
    });
  const ts = "2026-11-25T12:00:00.000Z";

  test("each applies twice to the same state, and a late edit never brings a deleted text back", () => {
    const ops: StoreOp[] = [
      { op: "msg", key: "room:club", message: { id: "m1", from: "bob", text: "old", ts } },
      { op: "msg_edit", key: "room:club", id: "m1", text: "new", edited: ts },
      { op: "msg_delete", key: "room:club", id: "m1", edited: ts },
      { op: "msg_edit", key: "room:club", id: "m1", text: "back", edited: ts },
      { op: "ban", room: "club", user: "bob", present: true },
      { op: "ban", room: "club", user: "carol", present: true },
      { op: "invite", room: "club", user: "carol", present: true },
      { op: "room_admin", room: "club", admin: "dave" },
    ];
    const start = { ...emptySnapshot(), rooms: [room()] };
    const once = replayed(ops, 10, start);
    const twice = replayed([...ops, ...ops], 10, start);
    expect(twice).toEqual(once);
    expect(once.history["room:club"]).toEqual([
      { id: "m1", from: "bob", text: "", ts, edited: ts, deleted: true },
    ]);
    expect(once.rooms[0]).toMatchObject({
      admin: "dave",
      members: ["alice"],
      pending: [],
      banned: ["bob"],
      invited: ["carol"],
    });
    expect(JSON.stringify(once)).not.toContain("old");
  });
});

describe("Away messages in who", () => {
  test("a page of long away messages is cut by bytes and says next; the pages list everyone once", async () => {
    const pageBytes = 64 * 1024;
    const h = new Harness({
      replyBounds: { ...DEFAULT_REPLY_BOUNDS, historyPageBytes: pageBytes },
    });
    const admin = await h.user("admin", "oneshot");
    await h.call(admin, { type: "create", room: "big" });
    for (let i = 0; i < 150; i++) {
      const c = await h.user(`u${String(i).padStart(3, "0")}`, "oneshot");
      await h.call(c, { type: "join", room: "big" });
      await h.call(c, { type: "away", message: "€".repeat(200) });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const reply = (await h.call(admin, {
        type: "who",
        room: "big",
        ...(cursor ? { cursor } : {}),
      })) as { users: { user: string; away?: string }[]; next?: string };
      expect(Buffer.byteLength(JSON.stringify(reply))).toBeLessThan(pageBytes + 1024);
      seen.push(...reply.users.map((u) => u.user));
      if (reply.next === undefined) break;
      cursor = reply.next;
    }
    expect(seen.length).toBe(151);
    expect(new Set(seen).size).toBe(151);
    const shared = (await h.call(admin, { type: "who" })) as { users: unknown[]; more?: true };
    expect(shared.more).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(shared))).toBeLessThan(pageBytes + 1024);
  });
});
