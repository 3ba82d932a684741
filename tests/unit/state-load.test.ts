import { describe, expect, test } from "bun:test";
import { encodeFrame } from "../../server/encoding.ts";
import { snapshotOf, stateFrom } from "../../server/domain/state-snapshot.ts";
import { syncPage } from "../../server/domain/sync.ts";
import type { ChatState } from "../../server/domain/state.ts";
import { emptySnapshot } from "../../server/store/store.ts";
import { MemoryStore } from "../helpers/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { Harness } from "../helpers/domain.ts";

/** A store that also keeps every op committed, as a journal holds them. */
class JournalingStore extends MemoryStore {
  readonly journal: StoreOp[] = [];

  override async commit(ops: StoreOp[]): Promise<void> {
    this.journal.push(...structuredClone(ops));
    return super.commit(ops);
  }
}

/** Everything `sync` from the start shows `user`. */
function everything(state: ChatState, user: string): string[] {
  return syncPage(state, user, 0, 10_000, 1 << 30, encodeFrame).frames;
}

describe("Loading a state from a snapshot and the changes after it", () => {
  test("the journal replayed, whole or after a snapshot, gives the state the changes made live, and the same sync", async () => {
    const store = new JournalingStore(undefined, 200);
    const h = new Harness({ store });
    const { alice, bob } = await h.lobby();
    const carol = await h.user("carol");
    const sent = await h.call(alice, { type: "send", room: "lobby", text: "hello" });
    const id = (sent as { message: { id: string } }).message.id;
    await h.call(bob, { type: "send", room: "lobby", text: "hi" });
    await h.call(alice, { type: "amend", room: "lobby", messageId: id, text: "hello!" });
    await h.call(bob, { type: "dm", to: "alice", text: "psst" });
    await h.call(bob, { type: "read", room: "lobby", upTo: id });
    await h.call(alice, { type: "create", room: "den" });
    await h.call(carol, { type: "join", room: "den" });
    await h.call(alice, { type: "invite", room: "lobby", user: "carol" });
    await h.call(alice, { type: "kick", room: "den", user: "carol" });
    // What a compaction would write now, and the journal after it.
    const mid = snapshotOf(h.chat.deps.state);
    const at = store.journal.length;
    await h.call(alice, { type: "delete", room: "lobby", messageId: id });
    await h.call(alice, { type: "ban", room: "lobby", user: "bob" });
    await h.call(carol, { type: "join", room: "den" });
    await h.call(alice, { type: "shutdown", room: "den" });
    const live = h.chat.deps.state;

    const replayed = stateFrom({ snapshot: emptySnapshot(), tail: store.journal }, 200);
    const compacted = stateFrom({ snapshot: mid, tail: store.journal.slice(at) }, 200);
    for (const loaded of [replayed, compacted]) {
      expect(snapshotOf(loaded)).toEqual(snapshotOf(live));
      for (const user of ["alice", "bob", "carol"]) {
        expect([user, everything(loaded, user)]).toEqual([user, everything(live, user)]);
      }
      expect(loaded.log.position).toBe(live.log.position);
    }
  });

  test("a journal that repeats messages of the snapshot adds none of them twice", () => {
    const message = (id: string, seq: number) => ({
      id,
      from: "ann",
      text: id,
      ts: "t",
      room: "lobby",
      seq,
    });
    const snapshot = { ...emptySnapshot(), history: { "room:lobby": [message("a", 1)] } };
    const tail: StoreOp[] = [
      { op: "msg", key: "room:lobby", message: message("a", 1) },
      { op: "msg", key: "room:lobby", message: message("b", 2) },
      { op: "msg", key: "room:lobby", message: message("b", 2) },
    ];
    const state = stateFrom({ snapshot, tail }, 200);
    expect(snapshotOf(state).history["room:lobby"]!.map((m) => m.id)).toEqual(["a", "b"]);
  });
});
