import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

/** An admin with a closed room and a requester whose request waits, the requester gone. */
async function world() {
  const h = new Harness();
  const admin = await h.user("admin");
  await h.call(admin, { type: "create", room: "club", open: false });
  const rita = h.conn();
  const session = await h.call(rita, { type: "register", user: "rita", password: "password1" });
  await h.call(rita, { type: "join", room: "club" });
  h.close(rita);
  return { h, admin, cursor: String((session as { cursor: string }).cursor) };
}

function decisions(c: FakeConn) {
  return c.received
    .filter((f) => f.type === "join_decision")
    .map(({ type, room, approved }) => ({ type, room, approved }));
}

describe("Join decisions for a requester who is away", () => {
  test("a denial is one log op of its own (no notice queue) and comes once through the cursor", async () => {
    const { h, admin, cursor } = await world();
    await h.call(admin, { type: "deny", room: "club", user: "rita" });
    const stored = await h.store.load();
    expect(stored).not.toHaveProperty("notices");
    expect(stored.log!["user:rita"]!.map((e) => e.event)).toEqual([
      { type: "join_decision", room: "club", approved: false },
    ]);
    expect(stored.users.find((u) => u.name === "rita")).not.toHaveProperty("notices");
    const live = await h.resume("rita", cursor);
    expect(decisions(live)).toEqual([{ type: "join_decision", room: "club", approved: false }]);
    const again = await h.resume("rita", live.events("synced").at(-1)!.cursor);
    expect(decisions(again)).toEqual([]);
  });

  test("a denial, a new request and an approval all come, in log order", async () => {
    const { h, admin, cursor } = await world();
    await h.call(admin, { type: "deny", room: "club", user: "rita" });
    const again = await h.login("rita", "oneshot");
    await h.call(again, { type: "join", room: "club" });
    h.close(again);
    await h.call(admin, { type: "approve", room: "club", user: "rita" });
    const live = await h.resume("rita", cursor);
    expect(decisions(live)).toEqual([
      { type: "join_decision", room: "club", approved: false },
      { type: "join_decision", room: "club", approved: true },
    ]);
    const seqs = live.received.flatMap((f) => ("seq" in f && f.seq ? [String(f.seq)] : []));
    expect(seqs).toEqual([...seqs].sort());
    // The approval made her a member: she hears the room's own member event too.
    expect(live.events("member")).toContainEqual(
      expect.objectContaining({ room: "club", user: "rita", event: "joined" }),
    );
  });
});
