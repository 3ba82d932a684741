import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

/** An admin with a closed room and a requester whose request waits, the requester gone. */
async function world() {
  const h = new Harness();
  const admin = await h.user("admin");
  await h.call(admin, { type: "create", room: "club", open: false });
  const rita = await h.user("rita", "oneshot");
  await h.call(rita, { type: "join", room: "club" });
  h.close(rita);
  return { h, admin };
}

function decisions(c: FakeConn) {
  return c.received.filter((f) => f.type === "join_decision");
}

describe("Join decisions kept for the requester", () => {
  test("a denial is kept for a requester with no connection, and stored as one notice op", async () => {
    const { h, admin } = await world();
    const before = (await h.store.load()).notices;
    await h.call(admin, { type: "deny", room: "club", user: "rita" });
    const after = await h.store.load();
    expect(before?.rita ?? []).toEqual([]);
    expect(after.notices!.rita!.map((q) => q.notice)).toEqual([
      { type: "join_decision", room: "club", approved: false },
    ]);
    // The user record is not rewritten for it.
    expect(after.users.find((u) => u.name === "rita")).not.toHaveProperty("notices");
    const live = await h.login("rita", "listen");
    expect(decisions(live)).toEqual([{ type: "join_decision", room: "club", approved: false }]);
    expect((await h.store.load()).notices?.rita ?? []).toEqual([]);
  });

  test("a denial is stale once the requester asks again: not delivered, and cleared", async () => {
    const { h, admin } = await world();
    await h.call(admin, { type: "deny", room: "club", user: "rita" });
    const again = await h.login("rita", "oneshot");
    await h.call(again, { type: "join", room: "club" });
    h.close(again);
    const live = await h.login("rita", "listen");
    expect(decisions(live)).toEqual([]);
    expect(h.chat.deps.state.notices.has("rita")).toBe(false);
  });

  test("a later decision for the room replaces the earlier one", async () => {
    const { h, admin } = await world();
    await h.call(admin, { type: "deny", room: "club", user: "rita" });
    const again = await h.login("rita", "oneshot");
    await h.call(again, { type: "join", room: "club" });
    h.close(again);
    await h.call(admin, { type: "approve", room: "club", user: "rita" });
    expect(h.chat.deps.state.notices.get("rita")!.map((q) => q.notice)).toEqual([
      { type: "join_decision", room: "club", approved: true },
    ]);
    const live = await h.login("rita", "listen");
    expect(decisions(live)).toEqual([{ type: "join_decision", room: "club", approved: true }]);
  });
});
