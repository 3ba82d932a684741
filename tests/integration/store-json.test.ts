/** The JSON-file store keeps what was committed: across close and crash, at 0600, to its limit. */
import { describe, expect, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StoreOp } from "../../server/store/store.ts";
import { dmKey } from "../../server/store/store.ts";
import { ids, loadOnce, msg, room, user, useJsonStoreFolders } from "../helpers/json-store.ts";

const { tempDir, open, crashCopy } = useJsonStoreFolders();

describe("JsonFileStore", () => {
  test("a missing data folder is created and loads as empty state", async () => {
    const dir = join(await tempDir(), "a", "b");
    const store = open(dir);
    expect(await store.load()).toEqual({
      users: [],
      sessions: [],
      rooms: [],
      history: {},
      log: {},
      trimmed: {},
      reads: {},
    });
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  test("everything committed is there after close and load", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    const dm: StoreOp = {
      op: "msg",
      key: dmKey("bob", "ann"),
      message: { id: "d1", from: "bob", to: "ann", text: "psst", ts: "t", clientId: "c1" },
    };
    await Promise.all([
      store.commit([
        { op: "user", user: user("ann") },
        { op: "user", user: user("bob") },
      ]),
      store.commit([{ op: "session", session: { tokenHash: "t1", user: "ann", created: "t" } }]),
      store.commit([{ op: "session", session: { tokenHash: "t2", user: "bob", created: "t" } }]),
      store.commit([{ op: "room", room: room("lobby") }]),
    ]);
    await store.commit([{ op: "session_del", tokenHash: "t1" }, msg("m1"), msg("m2"), dm]);
    await store.commit([{ op: "room", room: room("lobby", ["ann", "bob"]) }]);
    await store.close();

    const loaded = await loadOnce(dir);
    expect(loaded.users).toEqual([user("ann"), user("bob")]);
    expect(loaded.sessions).toEqual([{ tokenHash: "t2", user: "bob", created: "t" }]);
    expect(loaded.rooms).toMatchObject([room("lobby", ["ann", "bob"])]);
    expect(ids(loaded, "room:lobby")).toEqual(["m1", "m2"]);
    expect(loaded.history["dm:ann:bob"]).toEqual([dm.op === "msg" ? dm.message : never()]);
    expect(loaded.history["room:lobby"]![0]!.text).toContain('"quotes", ünïcödé and a\nnewline');
  });

  test("after a clean close the three files hold the whole state", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([
      { op: "user", user: user("ann") },
      { op: "room", room: room("lobby") },
    ]);
    await store.commit([msg("m1")]);
    await store.close();
    const users = JSON.parse(readFileSync(join(dir, "users.json"), "utf8"));
    const rooms = JSON.parse(readFileSync(join(dir, "rooms.json"), "utf8"));
    const history = JSON.parse(readFileSync(join(dir, "history.json"), "utf8"));
    expect(users.users).toEqual([user("ann")]);
    expect(rooms.rooms).toMatchObject([room("lobby")]);
    expect(ids(history, "room:lobby")).toEqual(["m1"]);
    const journal = readFileSync(join(dir, "journal.jsonl"), "utf8").trim().split("\n");
    expect(journal).toHaveLength(1); // only the header: nothing left to replay
  });

  test("without a clean close, load replays the journal", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([
      { op: "user", user: user("ann") },
      { op: "room", room: room("lobby") },
    ]);
    for (let i = 0; i < 5; i++) await store.commit([msg(`m${i}`)]);
    const loaded = await loadOnce(await crashCopy(dir));
    expect(loaded.users).toEqual([user("ann")]);
    expect(loaded.rooms).toMatchObject([room("lobby")]);
    expect(ids(loaded, "room:lobby")).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  test("group commits and snapshots larger than the write buffers, in any script, are kept byte for byte", async () => {
    const dir = await tempDir();
    const store = open(dir, 200);
    await store.load();
    await store.commit([
      { op: "user", user: user("ann") },
      { op: "room", room: room("lobby") },
    ]);
    // Each group (one tick) well past 64 KiB, with 2-, 3- and 4-byte characters; the second
    // group is gathered while the first is written, the third reuses the first one's buffer.
    const text = (i: number) => `${i} ünïcödé 漢字 🙂 `.repeat(400);
    const group = (g: number) =>
      Array.from({ length: 40 }, (_, i) => {
        const op = msg(`m${g}-${String(i).padStart(2, "0")}`);
        if (op.op === "msg") op.message.text = text(g * 100 + i);
        return store.commit([op]);
      });
    const first = group(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = group(2);
    await Promise.all([...first, ...second]);
    await Promise.all(group(3));
    const check = (loaded: Awaited<ReturnType<typeof loadOnce>>) => {
      const kept = loaded.history["room:lobby"]!;
      expect(kept.length).toBe(120);
      for (const m of kept) {
        const [g, i] = m.id.slice(1).split("-").map(Number);
        expect(m.text).toBe(text(g! * 100 + i!));
      }
    };
    check(await loadOnce(await crashCopy(dir), 200));
    // Closing writes them into history.json, over 1 MiB: in several pieces.
    await store.close();
    expect(statSync(join(dir, "history.json")).size).toBeGreaterThan(1024 * 1024);
    check(await loadOnce(dir, 200));
  });

  test("every file is mode 0600, even one that was not", async () => {
    const dir = await tempDir();
    const store = open(dir, 100, 200);
    await store.load();
    chmodSync(join(dir, "journal.jsonl"), 0o644);
    await store.commit([{ op: "user", user: user("ann") }]);
    for (let i = 0; i < 10; i++) await store.commit([msg(`m${i}`)]);
    await store.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(["history.json", "journal.jsonl", "rooms.json", "users.json"]);
    for (const f of files) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
  });

  test("history keeps only the last historyLimit messages per key, live and after reload", async () => {
    const dir = await tempDir();
    const store = open(dir, 3);
    await store.load();
    for (let i = 0; i < 10; i++) await store.commit([msg(`m${i}`), msg(`o${i}`, "other")]);
    expect(ids(await store.state(), "room:lobby")).toEqual(["m7", "m8", "m9"]);
    expect(ids(await loadOnce(await crashCopy(dir), 3), "room:lobby")).toEqual(["m7", "m8", "m9"]);
    await store.close();
    const reloaded = await loadOnce(dir, 3);
    expect(ids(reloaded, "room:lobby")).toEqual(["m7", "m8", "m9"]);
    expect(ids(reloaded, "room:other")).toEqual(["o7", "o8", "o9"]);
    // A smaller limit on the next start trims at load.
    expect(ids(await loadOnce(dir, 2), "room:lobby")).toEqual(["m8", "m9"]);
  });

  test("a message committed twice under the same id is stored once", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([msg("m1")]);
    await Promise.all([store.commit([msg("m1"), msg("m2")]), store.commit([msg("m2")])]);
    expect(ids(await loadOnce(await crashCopy(dir)), "room:lobby")).toEqual(["m1", "m2"]);
    await store.close();
    expect(ids(await loadOnce(dir), "room:lobby")).toEqual(["m1", "m2"]);
  });
});

function never(): never {
  throw new Error("unreachable");
}
