import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import { pair } from "../helpers/domain-presence.ts";

describe("Typing", () => {
  test("typing is shown to members and in who, and expires after 6 s without renewal", async () => {
    const h = new Harness();
    const { alice, bob } = await pair(h);
    await h.call(bob, { type: "typing", room: "lobby", typing: true });
    expect(alice.events("typing")).toEqual([
      { type: "typing", room: "lobby", user: "bob", typing: true },
    ]);
    expect(await h.call(alice, { type: "who", room: "lobby" })).toMatchObject({
      users: [{ user: "alice" }, { user: "bob", typing: true }],
    });
    h.clock.advance(5_000);
    await h.call(bob, { type: "typing", room: "lobby", typing: true });
    h.clock.advance(5_000);
    expect(alice.events("typing")).toHaveLength(1);
    h.clock.advance(1_000);
    expect(alice.events("typing").at(-1)).toMatchObject({ user: "bob", typing: false });
  });

  test("typing is cleared on send, on leave and on disconnect", async () => {
    const h = new Harness();
    const { alice, bob } = await pair(h);
    const last = () => alice.events("typing").at(-1);
    await h.call(bob, { type: "typing", room: "lobby", typing: true });
    await h.call(bob, { type: "send", room: "lobby", text: "done" });
    expect(last()).toMatchObject({ typing: false });
    await h.call(bob, { type: "typing", room: "lobby", typing: true });
    await h.call(bob, { type: "leave", room: "lobby" });
    expect(last()).toMatchObject({ typing: false });
    await h.call(bob, { type: "join", room: "lobby" });
    await h.call(bob, { type: "typing", room: "lobby", typing: true });
    h.close(bob);
    expect(last()).toMatchObject({ typing: false });
    expect(alice.events("typing")).toHaveLength(6);
  });

  test("typing in a room one is not a member of is refused", async () => {
    const h = new Harness();
    await pair(h);
    const carol = await h.user("carol");
    expect(await h.request(carol, { type: "typing", room: "lobby", typing: true })).toMatchObject({
      code: "forbidden",
    });
  });
});
