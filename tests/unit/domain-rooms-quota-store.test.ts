/**
 * A room's settings and its shutdown are stored as a `room_set` op, a line whose size does not
 * grow with the room (SPEC 6, storage amplification): applied, validated, and replayed.
 */
import { describe, expect, test } from "bun:test";
import { emptySnapshot } from "../../server/store/store.ts";
import { MemoryStore, replayed } from "../helpers/memory-store.ts";
import type { RoomRecord, Snapshot, StoreOp } from "../../server/store/store.ts";
import { isStoreOp } from "../../server/store/validate.ts";
import { Harness } from "../helpers/domain.ts";
import { roomRecord } from "../helpers/records.ts";

function bigRoom(members: number): RoomRecord {
  return roomRecord("big", {
    open: false,
    members: ["ann", ...Array.from({ length: members }, (_, i) => `u${i}`)],
    pending: ["pete", "paul"],
  });
}

const set = (changes: Partial<Extract<StoreOp, { op: "room_set" }>> = {}): StoreOp => ({
  op: "room_set",
  room: "big",
  open: true,
  visible: false,
  topic: "new",
  shutDown: false,
  ...changes,
});

/** A memory store that keeps the ops committed. */
class RecordingStore extends MemoryStore {
  ops: StoreOp[] = [];

  override async commit(ops: StoreOp[]): Promise<void> {
    this.ops.push(...structuredClone(ops));
    return super.commit(ops);
  }
}

describe("room_set op", () => {
  test("changes the settings and keeps members and requests; shutting down drops requests", () => {
    let s: Snapshot = { ...emptySnapshot(), rooms: [bigRoom(1000)] };
    s = replayed([set()], 10, s);
    expect(s.rooms[0]).toMatchObject({ open: true, visible: false, topic: "new", shutDown: false });
    expect(s.rooms[0]!.members.length).toBe(1001);
    expect(s.rooms[0]!.pending).toEqual(["pete", "paul"]);
    // Member ops still find the members after the record was replaced.
    s = replayed([{ op: "member", room: "big", user: "u5", present: false }], 10, s);
    expect(s.rooms[0]!.members).not.toContain("u5");
    s = replayed([set({ shutDown: true }), set({ shutDown: true })], 10, s); // idempotent
    expect(s.rooms[0]).toMatchObject({ shutDown: true, pending: [] });
    expect(s.rooms[0]!.members.length).toBe(1000);
    s = replayed([set({ room: "nowhere" })], 10, s); // a room that does not exist is ignored
    expect(s.rooms.length).toBe(1);
  });

  test("is validated like every journal line", () => {
    expect(isStoreOp(set())).toBe(true);
    expect(isStoreOp({ ...set(), topic: 7 })).toBe(false);
    expect(isStoreOp({ ...set(), shutDown: "yes" })).toBe(false);
    const { open: _open, ...noOpen } = set() as Extract<StoreOp, { op: "room_set" }>;
    expect(isStoreOp(noOpen)).toBe(false);
  });

  test("edit and shutdown of a room of 2,000 members write lines of the same size as of 2", async () => {
    const sizes: number[] = [];
    for (const members of [2, 2000]) {
      const snapshot = { ...emptySnapshot(), rooms: [bigRoom(members)] };
      const store = new RecordingStore(structuredClone(snapshot), 200);
      const h = new Harness({ snapshot, store });
      const ann = await h.user("ann");
      store.ops = [];
      await h.call(ann, { type: "edit", room: "big", topic: "moved to Tuesday" });
      await h.call(ann, { type: "shutdown", room: "big" });
      sizes.push(store.ops.reduce((n, op) => n + JSON.stringify(op).length, 0));
    }
    // Only the member count in the logged room_update event grows (by its digits).
    expect(sizes[1]! - sizes[0]!).toBeLessThanOrEqual(3);
    expect(sizes[0]).toBeLessThan(600);
  });
});
