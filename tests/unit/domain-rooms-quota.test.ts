/**
 * Room quotas per user (SPEC 6): live rooms administered, rooms joined or requested, and the
 * creation bucket; and the reply bounds as flags; through the real handler table on the fake
 * clock.
 */
import { describe, expect, test } from "bun:test";
import { DEFAULT_REPLY_BOUNDS } from "../../server/domain/bounds.ts";
import { DEFAULT_ROOM_QUOTAS } from "../../server/domain/room-quota.ts";
import type { RoomQuotas } from "../../server/domain/room-quota.ts";
import { parseConfig } from "../../server/config.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

function quotas(changes: Partial<RoomQuotas>): RoomQuotas {
  return { ...DEFAULT_ROOM_QUOTAS, ...changes };
}

async function createMany(h: Harness, c: FakeConn, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await h.call(c, { type: "create", room: `${prefix}${i}` });
}

describe("Room quotas", () => {
  test("the 51st live room of one user is refused with a clear error; shut-down rooms do not count", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    await createMany(h, alice, "r", 50);
    const refused = await h.request(alice, { type: "create", room: "r50" });
    expect(refused).toEqual({
      type: "error",
      code: "forbidden",
      message: "you already administer 50 rooms, the most one user may have; shut one down first",
    });
    expect(await h.request(alice, { type: "join", room: "r50" })).toMatchObject({
      code: "not_found",
    });
    await h.call(alice, { type: "shutdown", room: "r7" });
    expect(await h.call(alice, { type: "create", room: "r50" })).toMatchObject({
      room: { name: "r50", role: "admin" },
    });
    // Another user's quota is their own.
    const bob = await h.user("bob");
    expect(await h.call(bob, { type: "create", room: "bobs" })).toMatchObject({ type: "room" });
  });

  test("creations at once cannot pass the last free place", async () => {
    const h = new Harness({ roomQuotas: quotas({ maxRoomsPerUser: 3 }) });
    const alice = await h.user("alice");
    await createMany(h, alice, "r", 2);
    const replies = await Promise.all(
      ["a", "b", "c", "d"].map((n) => h.request(alice, { type: "create", room: n })),
    );
    expect(replies.map((r) => r.type).sort()).toEqual(["error", "error", "error", "room"]);
  });

  test("creation is a burst of 10, then one a second, with retryAfterMs", async () => {
    const h = new Harness({ isRateLimited: true });
    const alice = await h.user("alice");
    await createMany(h, alice, "r", 10);
    const limited = await h.request(alice, { type: "create", room: "r10" });
    expect(limited).toMatchObject({ code: "rate_limited", retryAfterMs: 1000 });
    expect((limited as { message: string }).message).toBe("too many rooms created; retry in 1 s");
    h.clock.advance(1000);
    expect(await h.call(alice, { type: "create", room: "r10" })).toMatchObject({ type: "room" });
    expect(await h.request(alice, { type: "create", room: "r11" })).toMatchObject({
      code: "rate_limited",
    });
    // A refused name (taken, invalid) costs no token.
    h.clock.advance(1000);
    expect(await h.request(alice, { type: "create", room: "r1" })).toMatchObject({
      code: "conflict",
    });
    expect(await h.call(alice, { type: "create", room: "r11" })).toMatchObject({ type: "room" });
  });

  test("rooms joined or requested are bounded; leaving frees a place", async () => {
    const h = new Harness({ roomQuotas: quotas({ maxRoomsJoined: 3 }) });
    const ada = await h.user("ada");
    for (const name of ["o1", "o2"]) await h.call(ada, { type: "create", room: name });
    await h.call(ada, { type: "create", room: "c1", open: false });
    const bob = await h.user("bob");
    await h.call(bob, { type: "join", room: "o1" });
    await h.call(bob, { type: "join", room: "c1" }); // pending counts
    await h.call(bob, { type: "create", room: "bobs" });
    const refused = await h.request(bob, { type: "join", room: "o2" });
    expect(refused).toEqual({
      type: "error",
      code: "forbidden",
      message: "you are in 3 rooms (joined or asked to join), the most allowed; leave one first",
    });
    expect(await h.request(bob, { type: "create", room: "bobs2" })).toMatchObject({
      code: "forbidden",
    });
    // Approving a request turns a counted request into a membership: still allowed.
    await h.call(ada, { type: "approve", room: "c1", user: "bob" });
    await h.call(bob, { type: "leave", room: "o1" });
    expect(await h.call(bob, { type: "join", room: "o2" })).toMatchObject({ status: "joined" });
    // The admin at the limit cannot create a fourth room either.
    expect(await h.request(ada, { type: "create", room: "o3" })).toMatchObject({
      code: "forbidden",
    });
  });

  test("a reconnecting member is subscribed to their rooms only (attach is O(rooms of user))", async () => {
    const h = new Harness({ roomQuotas: quotas({ maxRoomsPerUser: 0 }) });
    const ada = await h.user("ada");
    await createMany(h, ada, "r", 300);
    const bob = await h.user("bob");
    for (const name of ["r3", "r100"]) await h.call(bob, { type: "join", room: name });
    const again = await h.login("bob");
    expect([...again.topics].sort()).toEqual(["room:r100", "room:r3", "user:bob"]);
  });

  test("the flags set the quotas; --no-rate-limit turns them off unless given", () => {
    expect(parseConfig([], {}).roomQuotas).toEqual({
      ...DEFAULT_ROOM_QUOTAS,
      maxRoomsCreated: 100,
      maxNewConversations: 100,
    });
    const set = parseConfig(
      [
        ...["--max-rooms-per-user", "5", "--max-rooms-joined", "7", "--room-create-limit", "3/2"],
        ...["--max-rooms-created", "9", "--max-new-conversations", "11"],
      ],
      {},
    ).roomQuotas;
    expect(set).toEqual({
      maxRoomsPerUser: 5,
      maxRoomsJoined: 7,
      createLimit: { burst: 3, perSecond: 0.5 },
      maxRoomsCreated: 9,
      maxNewConversations: 11,
    });
    const off = parseConfig(["--no-rate-limit"], {}).roomQuotas;
    expect(off).toMatchObject({
      maxRoomsPerUser: 0,
      maxRoomsJoined: 0,
      maxRoomsCreated: 0,
      maxNewConversations: 0,
    });
    expect(() => parseConfig(["--max-rooms-joined", "lots"], {})).toThrow(
      "--max-rooms-joined must be a whole number",
    );
  });
});

describe("Reply bounds", () => {
  test("the page flags set each bound, within a range that keeps pages far under 1 MiB", () => {
    expect(parseConfig([], {}).replyBounds).toEqual(DEFAULT_REPLY_BOUNDS);
    const flags = ["--rooms-page", "50", "--who-page", "10", "--requests-page", "5"];
    const more = ["--history-page-kib", "64", "--conversations-page", "7"];
    expect(parseConfig([...flags, ...more], {}).replyBounds).toEqual({
      roomsPage: 50,
      whoPage: 10,
      requestsPage: 5,
      historyPageBytes: 64 * 1024,
      conversationsPage: 7,
    });
    expect(() => parseConfig(["--rooms-page", "501"], {})).toThrow(
      "--rooms-page must be a whole number from 1 to 500, not '501'",
    );
    expect(() => parseConfig(["--history-page-kib", "1024"], {})).toThrow(
      "--history-page-kib must be a whole number from 64 to 768",
    );
    expect(() => parseConfig(["--conversations-page", "0"], {})).toThrow(
      "--conversations-page must be a whole number from 1 to 500, not '0'",
    );
  });

  test("smaller bounds make smaller pages of rooms, who, requests and history", async () => {
    const bounds = {
      roomsPage: 50,
      whoPage: 10,
      requestsPage: 5,
      historyPageBytes: 64 * 1024,
      conversationsPage: 200,
    };
    const h = new Harness({ replyBounds: bounds, roomQuotas: quotas({ maxRoomsPerUser: 0 }) });
    const ada = await h.user("ada");
    await createMany(h, ada, "r", 60);
    await h.call(ada, { type: "create", room: "club", open: false });
    for (let i = 0; i < 12; i++) {
      const c = await h.user(`u${i}`);
      await h.call(c, { type: "join", room: "r0" });
      await h.call(c, { type: "join", room: "club" });
    }
    const rooms = (await h.call(ada, { type: "rooms", limit: 200 })) as { rooms: unknown[] };
    expect(rooms.rooms.length).toBe(50);
    const who = (await h.call(ada, { type: "who", room: "r0" })) as { users: unknown[] };
    expect(who.users.length).toBe(10);
    const requests = (await h.call(ada, { type: "requests" })) as { requests: unknown[] };
    expect(requests.requests.length).toBe(5);
    for (let i = 0; i < 40; i++) {
      await h.call(ada, { type: "send", room: "r1", text: "z".repeat(4000) });
    }
    const page = await h.call(ada, { type: "history", room: "r1" });
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThanOrEqual(64 * 1024);
    expect(page).toMatchObject({ more: true });
  });
});
