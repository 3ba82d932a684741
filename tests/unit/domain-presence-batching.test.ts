import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import type { PresenceEvent } from "../../shared/protocol.ts";
import { pair, statuses, told } from "../helpers/domain-presence.ts";

type Told = { type: "presence" } & PresenceEvent;

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
