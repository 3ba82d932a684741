import { describe, expect, test } from "bun:test";
import { emptySnapshot } from "../../server/store/store.ts";
import { trimHistory } from "../../server/store/trims.ts";
import { MemoryStore, replayed } from "../helpers/memory-store.ts";
import type { StoredMessage, StoreOp } from "../../server/store/store.ts";
import { dmKey, roomKey } from "../../server/store/store.ts";
import { roomRecord, userRecord } from "../helpers/records.ts";

const user = (name: string, passwordHash = "h") => userRecord(name, passwordHash);
const room = (name: string, topic = "") => roomRecord(name, { topic });

function msg(id: string, text = id): StoredMessage {
  return { id, from: "ann", text, ts: "2026-01-01T00:00:00.000Z", room: "lobby" };
}

// What a server loads from a journal: each op replayed by the domain's applier, so a
// journal written twice (a crash between a compaction and its journal's rotation) loads the
// same state.
describe("ops replayed from a journal", () => {
  test("a user op inserts, then replaces the user of the same name", () => {
    const s = replayed([
      { op: "user", user: user("ann", "a") },
      { op: "user", user: user("bob") },
      { op: "user", user: user("ann", "b") },
    ]);
    expect(s.users.map((u) => [u.name, u.passwordHash])).toEqual([
      ["ann", "b"],
      ["bob", "h"],
    ]);
  });

  test("session ops upsert by token hash and session_del removes", () => {
    const session = { tokenHash: "t1", user: "ann", created: "x" };
    const added: StoreOp[] = [
      { op: "session", session },
      { op: "session", session },
      { op: "session", session: { tokenHash: "t2", user: "bob", created: "x" } },
    ];
    expect(replayed(added).sessions.map((x) => x.tokenHash)).toEqual(["t1", "t2"]);
    const ended: StoreOp[] = [
      { op: "session_del", tokenHash: "t1" },
      { op: "session_del", tokenHash: "t1" },
    ];
    expect(replayed([...added, ...ended]).sessions.map((x) => x.tokenHash)).toEqual(["t2"]);
  });

  test("a room op replaces the room of the same name", () => {
    const s = replayed([
      { op: "room", room: room("lobby", "old") },
      { op: "room", room: room("lobby", "new") },
    ]);
    expect(s.rooms).toEqual([{ ...room("lobby", "new"), banned: [], invited: [] }]);
  });

  test("messages append in order under their key and a repeated id is stored once", () => {
    const key = roomKey("lobby");
    const ops: StoreOp[] = ["a", "b", "a", "c", "b"].map((id) => ({
      op: "msg",
      key,
      message: msg(id),
    }));
    expect(replayed(ops).history[key]!.map((m) => m.id)).toEqual(["a", "b", "c"]);
    const dm: StoreOp = { op: "msg", key: dmKey("zed", "ann"), message: msg("d") };
    expect(Object.keys(replayed([...ops, dm]).history).sort()).toEqual([
      "dm:ann:zed",
      "room:lobby",
    ]);
  });

  test("history keeps only the last historyLimit messages of each key", () => {
    const ops: StoreOp[] = Array.from({ length: 7 }, (_, i) => ({
      op: "msg",
      key: "room:a",
      message: msg(`m${i}`),
    }));
    const s = replayed([...ops, { op: "msg", key: "room:b", message: msg("x") }], 3);
    expect(s.history["room:a"]!.map((m) => m.id)).toEqual(["m4", "m5", "m6"]);
    expect(s.history["room:b"]!.map((m) => m.id)).toEqual(["x"]);
  });
});

describe("repeats and trimming", () => {
  test("a repeated id is stored once, also when ids are out of order", () => {
    const ops: StoreOp[] = ["b", "d", "a", "d", "b", "a", "e"].map((id) => ({
      op: "msg",
      key: "room:a",
      message: msg(id),
    }));
    expect(replayed(ops).history["room:a"]!.map((m) => m.id)).toEqual(["b", "d", "a", "e"]);
  });

  test("trimHistory cuts every key to the limit", () => {
    const s = emptySnapshot();
    s.history = { a: ["1", "2", "3"].map((id) => msg(id)), b: [msg("x")] };
    trimHistory(s.history, 2);
    expect(s.history.a!.map((m) => m.id)).toEqual(["2", "3"]);
    expect(s.history.b!.map((m) => m.id)).toEqual(["x"]);
  });
});

describe("MemoryStore", () => {
  test("load returns what was committed, starting from the initial snapshot", async () => {
    const initial = { ...emptySnapshot(), users: [user("ann")] };
    const store = new MemoryStore(initial);
    await store.commit([
      { op: "room", room: room("lobby") },
      { op: "msg", key: "room:lobby", message: msg("m1") },
    ]);
    const loaded = await store.load();
    expect(loaded.users).toEqual([user("ann")]);
    // As a compaction writes it: every list of the record present.
    expect(loaded.rooms).toEqual([{ ...room("lobby"), banned: [], invited: [] }]);
    expect(loaded.history["room:lobby"]!.map((m) => m.id)).toEqual(["m1"]);
    await store.close();
  });

  test("load returns a copy: changing it, the initial state or committed objects changes nothing", async () => {
    const initial = { ...emptySnapshot(), users: [user("ann")] };
    const store = new MemoryStore(initial);
    initial.users[0]!.name = "changed";
    const r = room("lobby");
    await store.commit([{ op: "room", room: r }]);
    r.members.push("eve");
    const first = await store.load();
    first.rooms[0]!.topic = "changed";
    first.users.pop();
    const second = await store.load();
    expect(second.users.map((u) => u.name)).toEqual(["ann"]);
    expect(second.rooms).toEqual([{ ...room("lobby"), banned: [], invited: [] }]);
  });

  test("the history limit given to the constructor trims history", async () => {
    const store = new MemoryStore(undefined, 2);
    for (const id of ["a", "b", "c"]) {
      await store.commit([{ op: "msg", key: "room:x", message: msg(id) }]);
    }
    expect((await store.load()).history["room:x"]!.map((m) => m.id)).toEqual(["b", "c"]);
  });
});
