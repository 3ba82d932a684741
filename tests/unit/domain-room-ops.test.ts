import { describe, expect, test } from "bun:test";
import { MemoryStore } from "../helpers/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { Harness } from "../helpers/domain.ts";

/** A memory store that keeps the ops of each commit. */
class RecordingStore extends MemoryStore {
  commits: StoreOp[][] = [];

  override async commit(ops: StoreOp[]): Promise<void> {
    this.commits.push(structuredClone(ops));
    return super.commit(ops);
  }

  /** The ops committed since the last call, and their size as journal lines. */
  take(): { ops: StoreOp[]; bytes: number } {
    const ops = this.commits.flat();
    this.commits = [];
    return { ops, bytes: ops.reduce((n, op) => n + JSON.stringify(op).length + 1, 0) };
  }
}

async function setup(members: number) {
  const store = new RecordingStore(undefined, 200);
  const h = new Harness({ store });
  const admin = await h.user("admin");
  await h.call(admin, { type: "create", room: "big" });
  await h.call(admin, { type: "create", room: "club", open: false });
  const conns = [];
  for (let i = 0; i < members; i++) {
    const c = await h.user(`u${i}`, "oneshot");
    await h.call(c, { type: "join", room: "big" });
    conns.push(c);
  }
  store.take();
  return { h, store, admin, conns };
}

/** The change ops apart from the `log` lines of their events, and those events' types. */
function split(ops: StoreOp[]): { changes: StoreOp[]; events: string[] } {
  const changes = ops.filter((op) => op.op !== "log");
  const events = ops.flatMap((op) => (op.op === "log" ? [op.entry.event.type] : []));
  return { changes, events };
}

/** The rooms as stored, members and requests sorted. */
async function stored(store: MemoryStore) {
  return (await store.load()).rooms.map((r) => ({
    ...r,
    members: [...r.members].sort(),
    pending: [...r.pending].sort(),
    banned: [...(r.banned ?? [])].sort(),
    invited: [...(r.invited ?? [])].sort(),
  }));
}

/** The rooms as the domain holds them, in the same form. */
function live(h: Harness) {
  return [...h.chat.deps.state.rooms.values()].map((r) => ({
    ...r,
    members: [...r.members].sort(),
    pending: [...r.pending].sort(),
    banned: [...r.banned].sort(),
    invited: [...r.invited].sort(),
  }));
}

describe("membership changes are stored as one-user ops", () => {
  test("joining a room of 300 stores one small member op, not the room", async () => {
    const { h, store } = await setup(300);
    const eve = await h.user("eve");
    store.take();
    await h.call(eve, { type: "join", room: "big" });
    const { ops, bytes } = store.take();
    const { changes, events } = split(ops);
    expect(changes).toEqual([{ op: "member", room: "big", user: "eve", present: true }]);
    // With the `log` line of its `member` event (for `sync`), still small.
    expect(events).toEqual(["member"]);
    expect(bytes).toBeLessThan(250);
    expect(await stored(store)).toEqual(live(h));
  });

  test("request, approve, deny, withdraw, kick and leave store member and pending ops", async () => {
    const { h, store, admin, conns } = await setup(3);
    const [a, b, c] = [conns[0]!, conns[1]!, conns[2]!];
    await h.call(a, { type: "join", room: "club" });
    await h.call(b, { type: "join", room: "club" });
    await h.call(c, { type: "join", room: "club" });
    await h.call(admin, { type: "approve", room: "club", user: "u0" });
    await h.call(admin, { type: "deny", room: "club", user: "u1" });
    await h.call(c, { type: "leave", room: "club" });
    await h.call(admin, { type: "kick", room: "big", user: "u0" });
    await h.call(b, { type: "leave", room: "big" });
    const { changes, events } = split(store.take().ops);
    const kinds = changes.map((op) => ("present" in op ? [op.op, op.present] : [op.op]));
    expect(kinds).toEqual([
      ["pending", true],
      ["pending", true],
      ["pending", true],
      ["pending", false],
      // u0 and u1 hear the decisions on their one-shot connections: nothing is queued.
      ["member", true],
      ["pending", false],
      ["pending", false],
      ["member", false],
      ["member", false],
    ]);
    expect(events).toEqual([
      "join_request",
      "join_request",
      "join_request",
      "member",
      "join_decision",
      "join_decision",
      "member",
      "member",
    ]);
    const rooms = await stored(store);
    expect(rooms).toEqual(live(h));
    expect(rooms.find((r) => r.name === "club")!.members).toEqual(["admin", "u0"]);
    expect(rooms.find((r) => r.name === "club")!.pending).toEqual([]);
    expect(rooms.find((r) => r.name === "big")!.members).toEqual(["admin", "u2"]);
    // The membership index follows the in-place changes.
    expect([...h.chat.deps.state.roomsOfUser("u0")]).toEqual(["club"]);
    expect([...h.chat.deps.state.roomsOfUser("u1")]).toEqual([]);
  });

  test("edit and shutdown store the settings only, not the room's members", async () => {
    const { h, store, admin } = await setup(2);
    await h.call(admin, { type: "edit", room: "big", topic: "new" });
    await h.call(admin, { type: "shutdown", room: "big" });
    const { changes, events } = split(store.take().ops);
    expect(changes).toEqual([
      { op: "room_set", room: "big", open: true, visible: true, topic: "new", shutDown: false },
      { op: "room_set", room: "big", open: true, visible: true, topic: "new", shutDown: true },
    ]);
    expect(events).toEqual(["room_update", "room_shutdown"]);
    expect(await stored(store)).toEqual(live(h));
    expect([...h.chat.deps.state.roomsOfUser("u0")]).toEqual([]);
  });
});
