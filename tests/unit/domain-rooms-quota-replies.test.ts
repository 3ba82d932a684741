/**
 * Bounded list replies (SPEC 6): `rooms`, `who` and `requests` in pages; through the real
 * handler table.
 */
import { describe, expect, test } from "bun:test";
import { DEFAULT_ROOM_QUOTAS } from "../../server/domain/room-quota.ts";
import type { ServerMessage } from "../../shared/protocol.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";
import { roomRecord } from "../helpers/records.ts";
import { KIB, replyBytes, type RoomsReply } from "../helpers/replies.ts";

const NO_QUOTA = { ...DEFAULT_ROOM_QUOTAS, maxRoomsPerUser: 0, maxRoomsJoined: 0 };

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
    expect(replyBytes(first)).toBeLessThan(128 * KIB);
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
      expect(replyBytes(page)).toBeLessThan(128 * KIB);
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
