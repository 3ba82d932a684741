import { describe, expect, test } from "bun:test";
import { type FakeConn, Harness } from "../helpers/domain.ts";
import { entriesOf } from "../helpers/presence.ts";
import type { PresenceEvent } from "../../shared/protocol.ts";

type Told = { type: "presence" } & PresenceEvent;

async function pair(h: Harness) {
  const alice = await h.user("alice");
  await h.call(alice, { type: "create", room: "lobby" });
  const bob = await h.user("bob");
  await h.call(bob, { type: "join", room: "lobby" });
  return { alice, bob };
}

/** Every state of `user` the connection was told, one per event naming them. */
const told = (c: FakeConn, user: string) => entriesOf(c.events("presence"), user);

const statuses = (c: FakeConn, user: string) => told(c, user).map((p) => p.status);

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

describe("Presence fan-out (an offline grace, one event per interval)", () => {
  const presence = { offlineGraceMs: 5_000, intervalMs: 500 };

  test("a reconnect within the grace publishes nothing; offline only once it passed", async () => {
    const h = new Harness({ presence });
    const { alice, bob } = await pair(h);
    const who = async () =>
      (await h.call(alice, { type: "who", room: "lobby" })) as { users: unknown[] };
    h.close(bob);
    h.clock.advance(4_000);
    expect(statuses(alice, "bob")).toEqual([]);
    expect((await who()).users).toContainEqual({ user: "bob", status: "online", typing: false });
    const again = await h.login("bob", "listen");
    h.clock.advance(10_000);
    expect(statuses(alice, "bob")).toEqual([]);
    h.close(again);
    h.clock.advance(4_999);
    expect(statuses(alice, "bob")).toEqual([]);
    h.clock.advance(1);
    expect(statuses(alice, "bob")).toEqual(["offline"]);
    expect((await who()).users).toContainEqual({ user: "bob", status: "offline", typing: false });
    // Back within the interval that began with "offline": told at its end.
    await h.login("bob", "listen");
    expect(statuses(alice, "bob")).toEqual(["offline"]);
    h.clock.advance(500);
    expect(statuses(alice, "bob")).toEqual(["offline", "online"]);
  });

  test("a login/logout loop of 200 publishes nothing while it lasts, and one offline after", async () => {
    const h = new Harness({ presence });
    const { alice, bob } = await pair(h);
    h.close(bob);
    for (let i = 0; i < 200; i++) {
      const c = await h.login("bob", "interactive");
      h.clock.advance(10);
      h.close(c);
    }
    expect(statuses(alice, "bob")).toEqual([]);
    h.clock.advance(5_000);
    expect(statuses(alice, "bob")).toEqual(["offline"]);
  });

  test("away changes within an interval are one event, the latest winning; a change undone is none", async () => {
    const h = new Harness({ presence });
    const { alice, bob } = await pair(h);
    const aways = () => told(alice, "bob").map((p) => p.away ?? "");
    for (let i = 0; i < 100; i++) {
      await h.call(bob, { type: "away", message: `away ${i}` });
      h.clock.advance(10);
    }
    h.clock.advance(500);
    // 100 changes over a second: at most one event per 500 ms, the last one the last state.
    expect(aways().length).toBeLessThanOrEqual(4);
    expect(aways().at(-1)).toBe("away 99");
    h.clock.advance(1_000);
    // After a quiet interval a change is told at once; undone within the next, it is not told.
    const before = aways().length;
    await h.call(bob, { type: "away", message: "lunch" });
    expect(aways().length).toBe(before + 1);
    await h.call(bob, { type: "away" });
    await h.call(bob, { type: "away", message: "lunch" });
    h.clock.advance(1_000);
    expect(aways().length).toBe(before + 1);
    expect(aways().at(-1)).toBe("lunch");
  });
});

describe("Presence per room (one event per window)", () => {
  const presence = { offlineGraceMs: 5_000, intervalMs: 500, windowMs: 100 };

  // alice (online) in #lobby with `n` offline members, the first ten of them also in #side.
  async function crowd(h: Harness, n: number) {
    const alice = await h.user("alice");
    await h.call(alice, { type: "create", room: "lobby" });
    await h.call(alice, { type: "create", room: "side" });
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = await h.user(`u${i}`, "oneshot");
      await h.call(c, { type: "join", room: "lobby" });
      if (i < 10) await h.call(c, { type: "join", room: "side" });
      h.close(c);
      names.push(`u${i}`);
    }
    h.clock.advance(1_000);
    alice.received.length = 0;
    return { alice, names };
  }

  test("100 users connecting in one window are one event per room, listing them", async () => {
    const h = new Harness({ presence });
    const { alice, names } = await crowd(h, 100);
    const last = await Promise.all(names.map((name) => h.login(name, "listen")));
    expect(alice.events("presence")).toEqual([]);
    h.clock.advance(100);
    const event = (room: string, online: string[]): Told => ({
      type: "presence",
      room,
      online,
      idle: [],
      offline: [],
      away: {},
    });
    expect(alice.events("presence")).toEqual([
      event("lobby", names),
      event("side", names.slice(0, 10)),
    ]);
    // A member who arrived within the window hears it too, once per room they are in.
    expect(last[99]!.events("presence").map((e) => e.room)).toEqual(["lobby"]);
    h.clock.advance(10_000);
    expect(alice.events("presence")).toHaveLength(2);
  });

  test("past --presence-batch users a room's changes are split into several events", async () => {
    const h = new Harness({ presence: { ...presence, usersPerEvent: 40 } });
    const { alice, names } = await crowd(h, 100);
    for (const name of names) await h.login(name, "listen");
    h.clock.advance(100);
    const lobby = alice.events("presence").filter((e) => e.room === "lobby");
    expect(lobby.map((e) => e.online.length)).toEqual([40, 40, 20]);
    expect(lobby.flatMap((e) => e.online)).toEqual(names);
  });

  test("a user's changes within a window are one entry with the latest state", async () => {
    const h = new Harness({ presence: { offlineGraceMs: 0, intervalMs: 0, windowMs: 100 } });
    const { alice } = await crowd(h, 1);
    const u0 = await h.login("u0", "listen");
    await h.call(u0, { type: "away", message: "brb" });
    h.clock.advance(100);
    const event = (room: string): Told => ({
      type: "presence",
      room,
      online: ["u0"],
      idle: [],
      offline: [],
      away: { u0: "brb" },
    });
    expect(alice.events("presence")).toEqual([event("lobby"), event("side")]);
  });

  test("the offline grace and the interval hold with the window: a reconnect loop is one offline", async () => {
    const h = new Harness({ presence });
    const { alice } = await crowd(h, 1);
    const first = await h.login("u0", "listen");
    h.clock.advance(100);
    expect(statuses(alice, "u0")).toEqual(["online", "online"]);
    h.close(first);
    for (let i = 0; i < 50; i++) {
      const c = await h.login("u0", "interactive");
      h.clock.advance(10);
      h.close(c);
    }
    // Offline once the grace after the last close ends, told when that window ends.
    h.clock.advance(5_000);
    expect(statuses(alice, "u0")).toEqual(["online", "online"]);
    h.clock.advance(100);
    expect(statuses(alice, "u0")).toEqual(["online", "online", "offline", "offline"]);
  });
});
