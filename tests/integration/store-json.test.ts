import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  appendFileSync,
  chmodSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredMessage, StoreOp } from "../../server/store/store.ts";
import { dmKey, roomKey } from "../../server/store/store.ts";
import { roomRecord, userRecord } from "../helpers/records.ts";
import { loadFolder, StoreWithState } from "../helpers/stored-state.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const dirs: string[] = [];
const stores: StoreWithState[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "chat-store-"));
  dirs.push(dir);
  return dir;
}

/** A store on `dir` with the state a server keeps over it (compaction writes from that state). */
function open(dir: string, historyLimit = 100, compactBytes?: number): StoreWithState {
  const store = new StoreWithState(dir, { historyLimit, compactBytes });
  stores.push(store);
  return store;
}

/** What a server started on `dir` would hold. */
async function loadOnce(dir: string, historyLimit = 100) {
  return await loadFolder(dir, historyLimit);
}

/**
 * A copy of the folder as it is now: what a kill -9 at this instant would leave behind.
 * Only while no compaction runs: files copied one by one are not one instant otherwise.
 */
async function crashCopy(dir: string): Promise<string> {
  const copy = await tempDir();
  await cp(dir, copy, { recursive: true });
  return copy;
}

const user = (name: string) => userRecord(name);
const room = (name: string, members = ["ann"]) => roomRecord(name, { members });

function msg(id: string, roomName = "lobby"): StoreOp {
  const message: StoredMessage = {
    id,
    from: "ann",
    text: `text of ${id} with "quotes", ünïcödé and a\nnewline`,
    ts: "2026-01-01T00:00:00.000Z",
    room: roomName,
  };
  return { op: "msg", key: roomKey(roomName), message };
}

function ids(snapshot: { history: Record<string, StoredMessage[]> }, key: string): string[] {
  return (snapshot.history[key] ?? []).map((m) => m.id);
}

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

  test("a torn last journal line is ignored and cut off before the next append", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([msg("m1")]);
    const copy = await crashCopy(dir);
    appendFileSync(join(copy, "journal.jsonl"), '{"op":"msg","key":"room:lobby","mess');

    const second = open(copy);
    expect(ids(await second.load(), "room:lobby")).toEqual(["m1"]);
    await second.commit([msg("m2")]);
    const lines = readFileSync(join(copy, "journal.jsonl"), "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    await second.close();
    expect(ids(await loadOnce(copy), "room:lobby")).toEqual(["m1", "m2"]);
  });

  test("an invalid line in the middle of the journal stops load, naming the journal", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([msg("m1")]);
    const path = join(dir, "journal.jsonl");
    appendFileSync(path, "garbage\n");
    await store.commit([msg("m2")]);
    const copy = await crashCopy(dir);
    const before = readFileSync(join(copy, "journal.jsonl"));
    await expect(open(copy).load()).rejects.toThrow(join(copy, "journal.jsonl"));
    expect(readFileSync(join(copy, "journal.jsonl"))).toEqual(before);
    expect(before.toString()).toContain("garbage");
  });

  for (const name of ["users.json", "rooms.json", "history.json"]) {
    for (const [what, content] of [
      ["not valid JSON", '{"users": [ {"name": "ann",'],
      ["of the wrong shape", '{"users": 5, "rooms": "x", "history": []}'],
    ] as const) {
      test(`a ${name} ${what} stops load, naming it, and stays byte-identical`, async () => {
        const dir = await tempDir();
        const store = open(dir);
        await store.load();
        await store.commit([{ op: "user", user: user("ann") }, msg("m1")]);
        await store.close();
        const path = join(dir, name);
        writeFileSync(path, content);
        const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));

        const broken = open(dir);
        await expect(broken.load()).rejects.toThrow(path);
        await expect(broken.store.commit([msg("m2")])).rejects.toThrow(path);
        await broken.close();
        const after = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
        expect(after).toEqual(before);
      });
    }
  }

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

  test("temp files left by a crash during compaction are ignored and removed", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.commit([msg("m1")]);
    await store.close();
    writeFileSync(join(dir, "history.json.tmp"), '{"history":{"room:lobby":[{"id":"x"');
    writeFileSync(join(dir, "journal.jsonl.tmp"), '{"journal":"g2"}\n');
    expect(ids(await loadOnce(dir), "room:lobby")).toEqual(["m1"]);
    expect(readdirSync(dir).sort()).toEqual([
      "history.json",
      "journal.jsonl",
      "rooms.json",
      "users.json",
    ]);
  });

  test("a crash between writing the snapshot and cutting the journal loses and repeats nothing", async () => {
    const dir = await tempDir();
    const store = open(dir, 3);
    await store.load();
    for (let i = 0; i < 6; i++) await store.commit([msg(`m${i}`)]);
    const journal = readFileSync(join(dir, "journal.jsonl"));
    await store.close();
    // Put back the full journal, as if the crash came right before it was cut.
    writeFileSync(join(dir, "journal.jsonl"), journal);
    // m0..m2 were trimmed from the snapshot; replaying them must not bring them back.
    expect(ids(await loadOnce(dir, 3), "room:lobby")).toEqual(["m3", "m4", "m5"]);
  });

  test("compaction while commits keep coming loses nothing and rewrites the snapshot files", async () => {
    const dir = await tempDir();
    const store = open(dir, 10_000, 4096);
    await store.load();
    const sent: string[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 25 }, (_, i) => `r${round}-${i}`);
      sent.push(...batch);
      await Promise.all(batch.map((id) => store.commit([msg(id, `room${round % 3}`)])));
    }
    const live = await store.state();
    const stored = Object.values(live.history).flatMap((list) => list.map((m) => m.id));
    expect(stored.sort()).toEqual(sent.slice().sort());
    // Compaction ran meanwhile: the snapshot holds messages and the journal is not everything.
    const history = JSON.parse(readFileSync(join(dir, "history.json"), "utf8"));
    expect(Object.values(history.history).flat().length).toBeGreaterThan(0);
    const journalLines = readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n").length;
    expect(journalLines).toBeLessThan(sent.length);
    await store.close();
    const reloaded = await loadOnce(dir, 10_000);
    expect(Object.values(reloaded.history).flat().length).toBe(sent.length);
  });

  test("a second store on an open folder is refused; a lock left by a dead process is not", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await expect(open(dir).load()).rejects.toThrow("already open");
    await store.commit([msg("m1")]);
    await store.close();
    // A lock file left by a killed process: its pid no longer runs.
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    writeFileSync(join(dir, "store.lock"), `${dead.pid}\n`);
    expect(ids(await loadOnce(dir), "room:lobby")).toEqual(["m1"]);
  });

  test("a folder locked by another running process is refused, naming the lock file", async () => {
    const dir = await tempDir();
    const other = Bun.spawn(["sleep", "30"]);
    try {
      writeFileSync(join(dir, "store.lock"), `${other.pid}\n`);
      await expect(open(dir).load()).rejects.toThrow(join(dir, "store.lock"));
      expect(readFileSync(join(dir, "store.lock"), "utf8")).toBe(`${other.pid}\n`);
    } finally {
      other.kill();
      await other.exited;
    }
  });

  test("commits after close are refused", async () => {
    const dir = await tempDir();
    const store = open(dir);
    await store.load();
    await store.close();
    await expect(store.commit([msg("m1")])).rejects.toThrow("closed");
  });
});

function never(): never {
  throw new Error("unreachable");
}
