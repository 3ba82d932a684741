import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";

describe("Rooms", () => {
  test("create makes the caller admin; join on an open room makes a member at once", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const created = await h.call(alice, { type: "create", room: "#Lobby", topic: "hi" });
    expect(created).toMatchObject({ room: { name: "lobby", admin: "alice", role: "admin" } });
    expect(await h.call(bob, { type: "join", room: "lobby" })).toMatchObject({ status: "joined" });
    expect(alice.events("member")).toContainEqual({
      type: "member",
      room: "lobby",
      user: "bob",
      event: "joined",
      seq: expect.stringMatching(/^\d{16}$/),
    });
    // A join of a room one is in is no error (a retry, another device).
    const again = await h.request(bob, { type: "join", room: "lobby" });
    expect(again).toMatchObject({ type: "joined", room: "lobby", status: "already" });
    expect(await h.request(bob, { type: "create", room: "lobby" })).toMatchObject({
      code: "conflict",
    });
  });

  test("join on a closed room files a request that the online admin is told about", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.call(alice, { type: "create", room: "club", open: false });
    expect(await h.call(bob, { type: "join", room: "club" })).toMatchObject({ status: "pending" });
    expect(alice.events("join_request")).toEqual([
      { type: "join_request", room: "club", user: "bob", seq: expect.any(String) },
    ]);
    expect(await h.request(bob, { type: "join", room: "club" })).toMatchObject({
      code: "conflict",
    });
    expect(await h.call(alice, { type: "requests" })).toMatchObject({
      requests: [{ room: "club", user: "bob" }],
    });
    await h.call(alice, { type: "approve", room: "club", user: "bob" });
    expect(bob.events("join_decision")).toEqual([
      { type: "join_decision", room: "club", approved: true, seq: expect.any(String) },
    ]);
    await h.call(alice, { type: "send", room: "club", text: "welcome" });
    expect(bob.events("message").map((m) => m.text)).toEqual(["welcome"]);
  });

  test("an admin who connects later sees pending requests; an offline requester hears the decision through the cursor, once", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    await h.call(alice, { type: "create", room: "club", open: false });
    h.close(alice);
    const bob = h.conn();
    const session = await h.call(bob, { type: "register", user: "bob", password: "password1" });
    await h.call(bob, { type: "join", room: "club" });
    h.close(bob);
    const alice2 = await h.login("alice");
    expect(alice2.events("join_request")).toEqual([
      { type: "join_request", room: "club", user: "bob" },
    ]);
    await h.call(alice2, { type: "deny", room: "club", user: "bob" });
    const cursor = String((session as { cursor: string }).cursor);
    const bob2 = await h.resume("bob", cursor);
    expect(bob2.events("join_decision")).toEqual([
      { type: "join_decision", room: "club", approved: false, seq: expect.any(String) },
    ]);
    const bob3 = await h.resume("bob", bob2.events("synced").at(-1)!.cursor);
    expect(bob3.events("join_decision")).toEqual([]);
  });

  test("every admin action by a non-admin member is forbidden", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.user("carol");
    await h.call(alice, { type: "create", room: "r" });
    await h.call(bob, { type: "join", room: "r" });
    const actions = [
      { type: "edit", room: "r", topic: "x" },
      { type: "shutdown", room: "r" },
      { type: "approve", room: "r", user: "carol" },
      { type: "deny", room: "r", user: "carol" },
      { type: "kick", room: "r", user: "alice" },
      { type: "requests", room: "r" },
    ];
    for (const a of actions) {
      expect(await h.request(bob, a)).toMatchObject({ type: "error", code: "forbidden" });
    }
  });

  test("a hidden room answers not_found to a non-member exactly like a missing room", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.call(alice, { type: "create", room: "secret", visible: false });
    const ops = (room: string) => [
      { type: "who", room },
      { type: "history", room },
      { type: "send", room, text: "hi" },
      { type: "typing", room, typing: true },
      { type: "edit", room, topic: "x" },
      { type: "kick", room, user: "alice" },
      { type: "leave", room },
    ];
    const hidden = ops("secret");
    const missing = ops("nothere");
    for (let i = 0; i < hidden.length; i++) {
      const a = await h.request(bob, hidden[i]!);
      const b = await h.request(bob, missing[i]!);
      expect(a).toMatchObject({ type: "error", code: "not_found" });
      expect((a as { message: string }).message.replace("secret", "X")).toBe(
        (b as { message: string }).message.replace("nothere", "X"),
      );
    }
    expect((await h.call(bob, { type: "rooms" })) as unknown).toMatchObject({ rooms: [] });
    // The name is the key: joining by name works.
    expect(await h.call(bob, { type: "join", room: "secret" })).toMatchObject({ status: "joined" });
    expect(await h.call(bob, { type: "rooms" })).toMatchObject({
      rooms: [{ name: "secret", role: "member" }],
    });
  });

  test("rooms lists visible rooms and the caller's own, with role and member count", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.call(alice, { type: "create", room: "open1" });
    await h.call(alice, { type: "create", room: "closed1", open: false, visible: false });
    await h.call(bob, { type: "join", room: "closed1" });
    const reply = (await h.call(bob, { type: "rooms" })) as { rooms: unknown[] };
    // A hidden room's requester sees its name and `pending` only (SPEC 6).
    expect(reply.rooms).toEqual([
      {
        name: "closed1",
        open: false,
        visible: false,
        admin: "",
        members: 0,
        role: "pending",
        topic: "",
      },
      {
        name: "open1",
        open: true,
        visible: true,
        admin: "alice",
        members: 1,
        role: null,
        topic: "",
      },
    ]);
  });

  test("kick and leave stop delivery at once; the admin cannot leave while others remain", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const bobPhone = await h.login("bob", "listen");
    await h.call(alice, { type: "create", room: "r" });
    await h.call(bob, { type: "join", room: "r" });
    expect(bobPhone.topics.has("room:r")).toBe(true);
    expect(await h.request(alice, { type: "leave", room: "r" })).toMatchObject({
      code: "forbidden",
    });
    await h.call(alice, { type: "kick", room: "r", user: "bob" });
    expect(bobPhone.events("member").at(-1)).toMatchObject({ user: "bob", event: "kicked" });
    expect(bob.topics.has("room:r") || bobPhone.topics.has("room:r")).toBe(false);
    await h.call(alice, { type: "send", room: "r", text: "after" });
    expect(bobPhone.events("message")).toEqual([]);
    expect(await h.request(bob, { type: "send", room: "r", text: "x" })).toMatchObject({
      code: "forbidden",
    });
    await h.call(bob, { type: "join", room: "r" });
    await h.call(bob, { type: "leave", room: "r" });
    expect(bob.topics.has("room:r")).toBe(false);
  });

  test("edit tells members; shutdown tells and unsubscribes them and keeps the name taken", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.call(alice, { type: "create", room: "r" });
    await h.call(bob, { type: "join", room: "r" });
    await h.call(alice, { type: "edit", room: "r", open: false, topic: "new \x1b[31mtopic" });
    expect(bob.events("room_update").at(-1)).toMatchObject({
      room: { open: false, topic: "new topic" },
    });
    await h.call(alice, { type: "shutdown", room: "r" });
    expect(bob.events("room_shutdown")).toEqual([
      { type: "room_shutdown", room: "r", seq: expect.any(String) },
    ]);
    expect(bob.topics.has("room:r")).toBe(false);
    expect(await h.call(bob, { type: "rooms" })).toMatchObject({ rooms: [] });
    expect(await h.request(bob, { type: "send", room: "r", text: "x" })).toMatchObject({
      code: "forbidden",
    });
    expect(await h.request(h.conn(), { type: "ping" })).toEqual({ type: "pong" });
    const carol = await h.user("carol");
    expect(await h.request(carol, { type: "join", room: "r" })).toMatchObject({
      code: "forbidden",
    });
    expect(await h.request(carol, { type: "create", room: "r" })).toMatchObject({
      code: "conflict",
    });
  });

  test("a reconnecting user is back in all their rooms without re-joining", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    await h.call(alice, { type: "create", room: "a" });
    await h.call(alice, { type: "create", room: "b" });
    const again = await h.login("alice", "listen");
    expect([...again.topics].sort()).toEqual(["room:a", "room:b", "user:alice"]);
  });
});
