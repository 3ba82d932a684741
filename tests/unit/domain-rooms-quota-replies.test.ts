/**
 * Bounded replies (SPEC 6): `rooms` in pages, `history` pages bounded in bytes, and what a
 * hidden room's requester and a non-member may see; through the real handler table.
 */
import { describe, expect, test } from "bun:test";
import { DEFAULT_ROOM_QUOTAS } from "../../server/domain/room-quota.ts";
import type { ServerMessage } from "../../shared/protocol.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";
import { roomRecord } from "../helpers/records.ts";

const NO_QUOTA = { ...DEFAULT_ROOM_QUOTAS, maxRoomsPerUser: 0, maxRoomsJoined: 0 };
const KIB = 1024;

type RoomsReply = Extract<ServerMessage, { type: "rooms" }>;
type HistoryReply = Extract<ServerMessage, { type: "history" }>;

const bytes = (reply: unknown) => Buffer.byteLength(JSON.stringify({ ...(reply as object) }));

/** Every room `c` can list, page by page; the pages' sizes too. */
async function allPages(h: Harness, c: FakeConn, limit?: number) {
  const names: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const msg: Record<string, unknown> = { type: "rooms" };
    if (cursor !== undefined) msg.cursor = cursor;
    if (limit !== undefined) msg.limit = limit;
    const reply = (await h.call(c, msg)) as RoomsReply;
    names.push(...reply.rooms.map((r) => r.name));
    sizes.push(reply.rooms.length);
    if (reply.next === undefined) return { names, sizes };
    cursor = reply.next;
  }
  throw new Error("rooms never ended");
}

describe("rooms pages", () => {
  test("200 rooms a page in name order, `next` until the last page, every room once", async () => {
    const h = new Harness({ roomQuotas: NO_QUOTA });
    const ada = await h.user("ada");
    const topic = "t".repeat(200);
    const want: string[] = [];
    for (let i = 0; i < 450; i++) {
      const name = `room-${String(i).padStart(3, "0")}`;
      want.push(name);
      await h.call(ada, { type: "create", room: name, topic });
    }
    const bob = await h.user("bob");
    const first = (await h.call(bob, { type: "rooms" })) as RoomsReply;
    expect(first.rooms.length).toBe(200);
    expect(first.next).toBe("room-199");
    expect(bytes(first)).toBeLessThan(128 * KIB);
    const { names, sizes } = await allPages(h, bob);
    expect(sizes).toEqual([200, 200, 50]);
    expect(names).toEqual(want);
    expect((await allPages(h, bob, 100)).sizes).toEqual([100, 100, 100, 100, 50]);
    // A limit over 200 is 200; a cursor that is no room starts after where it would sort.
    const big = (await h.call(bob, { type: "rooms", limit: 5000 })) as RoomsReply;
    expect(big.rooms.length).toBe(200);
    const mid = (await h.call(bob, { type: "rooms", cursor: "room-4", limit: 2 })) as RoomsReply;
    expect(mid.rooms.map((r) => r.name)).toEqual(["room-400", "room-401"]);
  });

  test("a page whose rooms fit exactly has no `next`; shut-down rooms leave the pages", async () => {
    const h = new Harness({ roomQuotas: NO_QUOTA });
    const ada = await h.user("ada");
    for (let i = 0; i < 201; i++) await h.call(ada, { type: "create", room: `r${1000 + i}` });
    await h.call(ada, { type: "shutdown", room: "r1005" });
    const page = (await h.call(ada, { type: "rooms" })) as RoomsReply;
    expect(page.rooms.length).toBe(200);
    expect(page.next).toBeUndefined();
    expect(page.rooms.map((r) => r.name)).not.toContain("r1005");
  });

  test("among many hidden rooms a page stops looking and says `next`; walking finds every room", async () => {
    const h = new Harness({ roomQuotas: NO_QUOTA });
    const ada = await h.user("ada");
    for (let i = 0; i < 6000; i++) {
      await h.call(ada, { type: "create", room: `h${String(i).padStart(4, "0")}`, visible: false });
    }
    await h.call(ada, { type: "create", room: "zz-visible" });
    const bob = await h.user("bob");
    const first = (await h.call(bob, { type: "rooms" })) as RoomsReply;
    expect(first.rooms).toEqual([]);
    expect(first.next).toBeDefined();
    expect((await allPages(h, bob)).names).toEqual(["zz-visible"]);
  });
});

describe("Hidden rooms and typing", () => {
  test("a requester of a hidden room sees its name and `pending` only", async () => {
    const h = new Harness();
    const ada = await h.user("ada");
    await h.call(ada, {
      type: "create",
      room: "secret",
      open: false,
      visible: false,
      topic: "the plan",
    });
    const bob = await h.user("bob");
    await h.call(bob, { type: "join", room: "secret" });
    const listed = (await h.call(bob, { type: "rooms" })) as RoomsReply;
    expect(listed.rooms).toEqual([
      {
        name: "secret",
        open: false,
        visible: false,
        admin: "",
        members: 0,
        role: "pending",
        topic: "",
      },
    ]);
    await h.call(ada, { type: "approve", room: "secret", user: "bob" });
    const member = (await h.call(bob, { type: "rooms" })) as RoomsReply;
    expect(member.rooms[0]).toMatchObject({ admin: "ada", members: 2, topic: "the plan" });
  });

  test("a shut-down hidden room answers a non-member's join byte for byte as a missing room", async () => {
    const h = new Harness();
    const ada = await h.user("ada");
    await h.call(ada, { type: "create", room: "gone", visible: false });
    await h.call(ada, { type: "shutdown", room: "gone" });
    const bob = await h.user("bob");
    const hidden = await h.request(bob, { type: "join", room: "gone" });
    const missing = await h.request(bob, { type: "join", room: "nope" });
    expect(JSON.stringify(hidden).replace("gone", "X")).toBe(
      JSON.stringify(missing).replace("nope", "X"),
    );
    // Its members still hear that it is shut down.
    expect(await h.request(ada, { type: "join", room: "gone" })).toMatchObject({
      code: "forbidden",
      message: "room 'gone' is shut down",
    });
  });

  test("`who` shows typing to members only, and a shut-down room's `who` to members only", async () => {
    const h = new Harness();
    const ada = await h.user("ada");
    await h.call(ada, { type: "create", room: "lobby" });
    const mona = await h.user("mona");
    await h.call(mona, { type: "join", room: "lobby" });
    await h.call(ada, { type: "typing", room: "lobby", typing: true });
    const bob = await h.user("bob");
    const typingOf = async (c: FakeConn) => {
      const reply = (await h.call(c, { type: "who", room: "lobby" })) as {
        users: { user: string; typing: boolean }[];
      };
      return reply.users.map((u) => `${u.user}:${u.typing}`);
    };
    expect(await typingOf(mona)).toEqual(["ada:true", "mona:false"]);
    expect(await typingOf(bob)).toEqual(["ada:false", "mona:false"]);
    await h.call(ada, { type: "shutdown", room: "lobby" });
    expect(await h.call(mona, { type: "who", room: "lobby" })).toMatchObject({ type: "who" });
    expect(await h.request(bob, { type: "who", room: "lobby" })).toMatchObject({
      code: "forbidden",
      message: "room 'lobby' is shut down",
    });
  });
});

describe("history pages", () => {
  async function longRoom(h: Harness, text: string, count = 200): Promise<FakeConn> {
    const ada = await h.user("ada");
    await h.call(ada, { type: "create", room: "long" });
    for (let i = 0; i < count; i++) {
      await h.call(ada, { type: "send", room: "long", text: `${i} ${text}`.slice(0, 4000) });
    }
    return ada;
  }

  test("200 x 4,000 characters: a page is at most 512 KiB, says `more`, and `before` walks them all", async () => {
    const h = new Harness();
    const ada = await longRoom(h, "x".repeat(4000));
    const first = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect(bytes({ ...first, replyTo: "r".repeat(64) })).toBeLessThanOrEqual(512 * KIB);
    expect(first.messages.length).toBeLessThan(200);
    expect(first.more).toBe(true);
    const seen: string[] = [];
    let page = first;
    for (let i = 0; i < 10; i++) {
      expect(bytes(page)).toBeLessThanOrEqual(512 * KIB);
      seen.unshift(...page.messages.map((m) => m.text.split(" ")[0]!));
      if (!page.more) break;
      const before = page.messages[0]!.id;
      page = (await h.call(ada, { type: "history", room: "long", before })) as HistoryReply;
    }
    expect(page.more).toBe(false);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  test("non-ASCII text is counted in bytes; `after` pages forward the same way", async () => {
    const h = new Harness();
    // 120 messages of about 12,000 bytes each: 1.4 MB in all, three pages or more.
    const ada = await longRoom(h, "€".repeat(4000), 120);
    const all = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect(bytes(all)).toBeLessThanOrEqual(512 * KIB);
    expect(all.more).toBe(true);
    // Ids are m000001...: "m000000" sorts before every one of them.
    const seen: string[] = [];
    let after = "m000000";
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = (await h.call(ada, { type: "history", room: "long", after })) as HistoryReply;
      expect(bytes(page)).toBeLessThanOrEqual(512 * KIB);
      seen.push(...page.messages.map((m) => m.text.split(" ")[0]!));
      if (!page.more) break;
      after = page.messages.at(-1)!.id;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => String(i)));
  });

  test("a short history says no `more`; a page cut by `limit` says `more`", async () => {
    const h = new Harness();
    const ada = await longRoom(h, "hello", 5);
    const all = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect([all.messages.length, all.more]).toEqual([5, false]);
    const two = (await h.call(ada, { type: "history", room: "long", limit: 2 })) as HistoryReply;
    expect([two.messages.length, two.more]).toEqual([2, true]);
  });
});

describe("who pages", () => {
  type WhoReply = Extract<ServerMessage, { type: "who" }>;

  /** A harness whose room `big` has ada and `n` more members (stored before start). */
  function bigRoom(n: number, rooms = ["big"]): Harness {
    const members = [
      "ada",
      ...Array.from({ length: n }, (_, i) => `u${String(i).padStart(5, "0")}`),
    ];
    return new Harness({
      snapshot: {
        users: [],
        sessions: [],
        rooms: rooms.map((name) => roomRecord(name, { admin: "ada", members })),
        history: {},
      },
    });
  }

  test("a room's members come 1,000 a page in name order with `next`, each once", async () => {
    const h = bigRoom(2500);
    const ada = await h.user("ada");
    const names: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const msg: Record<string, unknown> = { type: "who", room: "big" };
      if (cursor !== undefined) msg.cursor = cursor;
      const page = (await h.call(ada, msg)) as WhoReply;
      expect(bytes(page)).toBeLessThan(128 * KIB);
      names.push(...page.users.map((u) => u.user));
      sizes.push(page.users.length);
      if (page.next === undefined) break;
      cursor = page.next;
    }
    expect(sizes).toEqual([1000, 1000, 501]);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(2501);
    const two = (await h.call(ada, { type: "who", room: "big", limit: 2 })) as WhoReply;
    expect(two.users.map((u) => u.user)).toEqual(["ada", "u00000"]);
    expect(two.next).toBe("u00000");
  });

  test("`who` without a room lists at most 1,000 and says `more` when it cut the list", async () => {
    const small = bigRoom(10);
    const few = (await small.call(await small.user("ada"), { type: "who" })) as WhoReply;
    expect([few.users.length, few.more]).toEqual([11, undefined]);
    const h = bigRoom(1500);
    const all = (await h.call(await h.user("ada"), { type: "who" })) as WhoReply;
    expect(all.users.length).toBe(1000);
    expect(all.more).toBe(true);
  });

  test("a user in many big rooms gets part of the list and `more`, not a visit to every member", async () => {
    // 30 rooms of the same 700 members: 21,000 memberships, over the 20,000 one request looks
    // at, though only 700 people.
    const rooms = Array.from({ length: 30 }, (_, i) => `big${i}`);
    const h = bigRoom(699, rooms);
    const reply = (await h.call(await h.user("ada"), { type: "who" })) as WhoReply;
    expect(reply.more).toBe(true);
    expect(reply.users.length).toBe(700);
  });
});

describe("requests", () => {
  test("at most 1,000 pending requests a reply and on connect; `more` says others wait", async () => {
    const pending = Array.from({ length: 1200 }, (_, i) => `p${String(i).padStart(4, "0")}`);
    const h = new Harness({
      snapshot: {
        users: [],
        sessions: [],
        rooms: [roomRecord("club", { admin: "ada", open: false, pending })],
        history: {},
      },
    });
    const ada = await h.user("ada");
    const reply = (await h.call(ada, { type: "requests" })) as Extract<
      ServerMessage,
      { type: "requests" }
    >;
    expect(reply.requests.length).toBe(1000);
    expect(reply.more).toBe(true);
    expect(ada.events("join_request").length).toBe(1000);
    await h.call(ada, { type: "deny", room: "club", user: "p0000" });
    const one = (await h.call(ada, { type: "requests", room: "club" })) as typeof reply;
    expect(one.requests[0]).toEqual({ room: "club", user: "p0001" });
  });
});
