import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import { pair, statuses } from "../helpers/domain-presence.ts";

describe("Presence", () => {
  test("online on a live connection, idle after --idle-after, online again on activity, offline on close", async () => {
    const h = new Harness({ idleAfterSeconds: 60 });
    const { alice, bob } = await pair(h);
    const who = async () =>
      (await h.call(alice, { type: "who", room: "lobby" })) as { users: unknown[] };
    expect((await who()).users).toContainEqual({ user: "bob", status: "online", typing: false });
    h.clock.advance(59_000);
    expect(statuses(alice, "bob")).toEqual([]);
    h.clock.advance(1_000);
    expect(statuses(alice, "bob")).toEqual(["idle"]);
    await h.call(bob, { type: "activity" });
    expect(statuses(alice, "bob")).toEqual(["idle", "online"]);
    h.close(bob);
    expect(statuses(alice, "bob")).toEqual(["idle", "online", "offline"]);
    expect((await who()).users).toContainEqual({ user: "bob", status: "offline", typing: false });
  });

  test("activity keeps a user online; the idle timer counts from the last action", async () => {
    const h = new Harness({ idleAfterSeconds: 60 });
    const { alice, bob } = await pair(h);
    h.clock.advance(50_000);
    await h.call(bob, { type: "send", room: "lobby", text: "still here" });
    h.clock.advance(50_000);
    expect(statuses(alice, "bob")).toEqual([]);
    h.clock.advance(10_000);
    expect(statuses(alice, "bob")).toEqual(["idle"]);
  });

  test("one-shot connections never change presence, but keep an online user online", async () => {
    const h = new Harness({ idleAfterSeconds: 60 });
    const { alice, bob } = await pair(h);
    h.close(bob);
    const script = await h.login("bob", "oneshot");
    await h.call(script, { type: "send", room: "lobby", text: "cron" });
    h.close(script);
    expect(statuses(alice, "bob")).toEqual(["offline"]);
    const bob2 = await h.login("bob", "listen");
    h.clock.advance(50_000);
    const script2 = await h.login("bob", "oneshot");
    await h.call(script2, { type: "send", room: "lobby", text: "cron" });
    h.clock.advance(50_000);
    expect(statuses(alice, "bob")).toEqual(["offline", "online"]);
    h.clock.advance(10_000);
    expect(statuses(alice, "bob")).toEqual(["offline", "online", "idle"]);
    // An idle user is not woken by a script: no flapping.
    await h.call(script2, { type: "send", room: "lobby", text: "cron" });
    expect(statuses(alice, "bob")).toEqual(["offline", "online", "idle"]);
    await h.call(bob2, { type: "activity" });
    expect(statuses(alice, "bob")).toEqual(["offline", "online", "idle", "online"]);
  });

  test("a second live connection does not announce again; closing one of two keeps the user online", async () => {
    const h = new Harness();
    const { alice, bob } = await pair(h);
    const phone = await h.login("bob", "interactive");
    h.close(bob);
    expect(statuses(alice, "bob")).toEqual([]);
    h.close(phone);
    expect(statuses(alice, "bob")).toEqual(["offline"]);
  });

  test("each change is published once per room the user is in", async () => {
    const h = new Harness({ idleAfterSeconds: 60 });
    const { alice, bob } = await pair(h);
    await h.call(alice, { type: "create", room: "second" });
    await h.call(bob, { type: "join", room: "second" });
    h.hub.published.length = 0;
    h.clock.advance(60_000);
    const bobIdle = h.hub.published.filter(
      (p) => p.msg.type === "presence" && p.msg.idle.includes("bob"),
    );
    expect(bobIdle.map((p) => p.topic).sort()).toEqual(["room:lobby", "room:second"]);
    expect(bobIdle.map((p) => p.msg)).toContainEqual({
      type: "presence",
      room: "second",
      online: [],
      idle: ["bob"],
      offline: [],
      away: {},
    });
  });
});
