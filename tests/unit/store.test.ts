import { describe, expect, test } from "bun:test";
import { applyOp, emptySnapshot, trimHistory } from "../../server/store/apply.ts";
import { MemoryStore } from "../../server/store/memory-store.ts";
import type { StoredMessage } from "../../server/store/store.ts";
import { dmKey, roomKey } from "../../server/store/store.ts";
import { roomRecord, userRecord } from "../helpers/records.ts";

const user = (name: string, passwordHash = "h") => userRecord(name, passwordHash);
const room = (name: string, topic = "") => roomRecord(name, { topic });

function msg(id: string, text = id): StoredMessage {
  return { id, from: "ann", text, ts: "2026-01-01T00:00:00.000Z", room: "lobby" };
}

describe("applyOp", () => {
  test("a user op inserts, then replaces the user of the same name", () => {
    const s = emptySnapshot();
    applyOp(s, { op: "user", user: user("ann", "a") }, 10);
    applyOp(s, { op: "user", user: user("bob") }, 10);
    applyOp(s, { op: "user", user: user("ann", "b") }, 10);
    expect(s.users.map((u) => [u.name, u.passwordHash])).toEqual([
      ["ann", "b"],
      ["bob", "h"],
    ]);
  });

  test("session ops upsert by token hash and session_del removes", () => {
    const s = emptySnapshot();
    const session = { tokenHash: "t1", user: "ann", created: "x" };
    applyOp(s, { op: "session", session }, 10);
    applyOp(s, { op: "session", session }, 10);
    applyOp(s, { op: "session", session: { tokenHash: "t2", user: "bob", created: "x" } }, 10);
    expect(s.sessions.map((x) => x.tokenHash)).toEqual(["t1", "t2"]);
    applyOp(s, { op: "session_del", tokenHash: "t1" }, 10);
    applyOp(s, { op: "session_del", tokenHash: "t1" }, 10);
    expect(s.sessions.map((x) => x.tokenHash)).toEqual(["t2"]);
  });

  test("a room op replaces the room of the same name", () => {
    const s = emptySnapshot();
    applyOp(s, { op: "room", room: room("lobby", "old") }, 10);
    applyOp(s, { op: "room", room: room("lobby", "new") }, 10);
    expect(s.rooms).toEqual([room("lobby", "new")]);
  });

  test("messages append in order under their key and a repeated id is stored once", () => {
    const s = emptySnapshot();
    const key = roomKey("lobby");
    for (const id of ["a", "b", "a", "c", "b"])
      applyOp(s, { op: "msg", key, message: msg(id) }, 10);
    expect(s.history[key]!.map((m) => m.id)).toEqual(["a", "b", "c"]);
    applyOp(s, { op: "msg", key: dmKey("zed", "ann"), message: msg("d") }, 10);
    expect(Object.keys(s.history).sort()).toEqual(["dm:ann:zed", "room:lobby"]);
  });

  test("history keeps only the last historyLimit messages of each key", () => {
    const s = emptySnapshot();
    for (let i = 0; i < 7; i++) applyOp(s, { op: "msg", key: "room:a", message: msg(`m${i}`) }, 3);
    applyOp(s, { op: "msg", key: "room:b", message: msg("x") }, 3);
    expect(s.history["room:a"]!.map((m) => m.id)).toEqual(["m4", "m5", "m6"]);
    expect(s.history["room:b"]!.map((m) => m.id)).toEqual(["x"]);
  });
});

describe("applyOp, repeats and trimming", () => {
  test("a repeated id is stored once, also when ids are out of order", () => {
    const s = emptySnapshot();
    for (const id of ["b", "d", "a", "d", "b", "a", "e"]) {
      applyOp(s, { op: "msg", key: "room:a", message: msg(id) }, 10);
    }
    expect(s.history["room:a"]!.map((m) => m.id)).toEqual(["b", "d", "a", "e"]);
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
    expect(loaded.rooms).toEqual([room("lobby")]);
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
    expect(second.rooms).toEqual([room("lobby")]);
  });

  test("the history limit given to the constructor trims history", async () => {
    const store = new MemoryStore(undefined, 2);
    for (const id of ["a", "b", "c"]) {
      await store.commit([{ op: "msg", key: "room:x", message: msg(id) }]);
    }
    expect((await store.load()).history["room:x"]!.map((m) => m.id)).toEqual(["b", "c"]);
  });
});
