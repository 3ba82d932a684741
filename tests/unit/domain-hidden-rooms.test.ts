/** What a hidden room's requester and a non-member may see; through the real handler table. */
import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";
import type { RoomsReply } from "../helpers/replies.ts";

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
