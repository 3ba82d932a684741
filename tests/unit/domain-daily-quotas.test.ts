/**
 * The daily quotas of SPEC 6 ("disk per user is bounded by the quotas"): rooms created in 24
 * hours, shut-down ones included, and DM conversations started in 24 hours, replies never
 * limited; on the fake clock, through the real handler table.
 */
import { describe, expect, test } from "bun:test";
import { DEFAULT_ROOM_QUOTAS } from "../../server/domain/room-quota.ts";
import { DAY_MS } from "../../server/domain/window-quota.ts";
import { Harness } from "../helpers/domain.ts";

describe("Rooms created per day", () => {
  test("a create-and-shutdown loop stops at the day's quota, and goes on a day later", async () => {
    const h = new Harness({ roomQuotas: { ...DEFAULT_ROOM_QUOTAS, maxRoomsCreated: 3 } });
    const alice = await h.user("alice");
    for (let i = 0; i < 3; i++) {
      await h.call(alice, { type: "create", room: `r${i}` });
      await h.call(alice, { type: "shutdown", room: `r${i}` });
    }
    h.clock.advance(DAY_MS / 2);
    const refused = await h.request(alice, { type: "create", room: "r3" });
    expect(refused).toEqual({
      type: "error",
      code: "rate_limited",
      message:
        "too many rooms created today: 3 in 24 hours is the most one user may; retry in 12 h",
      retryAfterMs: DAY_MS / 2,
    });
    // Refused: the name stays free, and another user has a quota of their own.
    const bob = await h.user("bob");
    expect(await h.call(bob, { type: "create", room: "r3" })).toMatchObject({ type: "room" });
    h.clock.advance(DAY_MS / 2);
    expect(await h.call(alice, { type: "create", room: "r4" })).toMatchObject({ type: "room" });
  });
});

describe("DM conversations started per day", () => {
  test("new partners past the quota are refused; replies and old conversations never are", async () => {
    const h = new Harness({ roomQuotas: { ...DEFAULT_ROOM_QUOTAS, maxNewConversations: 2 } });
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    for (const name of ["carol", "dave", "erin"]) await h.user(name);
    const dm = (from: typeof alice, to: string) =>
      h.request(from, { type: "dm", to, text: `hi ${to}` });
    expect(await dm(alice, "carol")).toMatchObject({ type: "dm_sent" });
    expect(await dm(alice, "dave")).toMatchObject({ type: "dm_sent" });
    const refused = await dm(alice, "erin");
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: DAY_MS });
    expect(refused.type === "error" && refused.message).toBe(
      "too many new conversations today (replies are not limited): 2 in 24 hours is the most one user may; retry in 24 h",
    );
    // Going on with a conversation she started is not starting one.
    for (let i = 0; i < 5; i++) expect(await dm(alice, "carol")).toMatchObject({ type: "dm_sent" });
    // Bob starts one with her: his start, and her answer is a reply.
    expect(await dm(bob, "alice")).toMatchObject({ type: "dm_sent" });
    expect(await dm(alice, "bob")).toMatchObject({ type: "dm_sent" });
    h.clock.advance(DAY_MS);
    expect(await dm(alice, "erin")).toMatchObject({ type: "dm_sent" });
  });

  test("a DM to a new partner refused by the message limit does not use a place", async () => {
    const h = new Harness({
      isRateLimited: true,
      roomQuotas: { ...DEFAULT_ROOM_QUOTAS, maxNewConversations: 3 },
    });
    const alice = await h.user("alice");
    for (const name of ["carol", "dave", "erin", "frank"]) await h.user(name);
    const dm = (to: string) => h.request(alice, { type: "dm", to, text: `hi ${to}` });
    for (let i = 0; i < 20; i++) expect(await dm("carol")).toMatchObject({ type: "dm_sent" });
    const limited = await dm("dave");
    expect(limited.type === "error" && limited.message).toStartWith("too many messages");
    h.clock.advance(1_000);
    expect(await dm("dave")).toMatchObject({ type: "dm_sent" });
    expect(await dm("erin")).toMatchObject({ type: "dm_sent" });
    const refused = await dm("frank");
    expect(refused.type === "error" && refused.message).toStartWith("too many new conversations");
  });
});
