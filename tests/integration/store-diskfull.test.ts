import { afterAll, afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDataDir } from "../../server/store/read.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { readFolder, StoreWithState } from "../helpers/stored-state.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

// A real full disk: a 4 MiB tmpfs, mostly taken by a filler file. Mounting needs root; elsewhere these tests are skipped.
const mountPoint = mkdtempSync(join(tmpdir(), "chat-full-"));
const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]);
const mounted = mount.exitCode === 0;
if (!mounted) {
  console.warn(`disk-full tests skipped: cannot mount a tmpfs (${mount.stderr.toString().trim()})`);
}

const stores: StoreWithState[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => {});
  for (const name of readdirSync(mountPoint)) rmSync(join(mountPoint, name), { recursive: true });
});

afterAll(() => {
  if (mounted) Bun.spawnSync(["umount", "--lazy", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

function open(dir: string, compactBytes: number, onCompactError?: (e: Error) => void) {
  const store = new StoreWithState(dir, { historyLimit: 10_000, compactBytes, onCompactError });
  stores.push(store);
  return store;
}

let seq = 0;
function msg(): StoreOp {
  const id = `m${String(seq++).padStart(6, "0")}`;
  const message = { id, from: "ann", text: "x".repeat(3000), ts: "t", room: "lobby" };
  return { op: "msg", key: "room:lobby", message };
}

function idOf(op: StoreOp): string {
  return op.op === "msg" ? op.message.id : "";
}

interface Filled {
  acked: string[];
  refused: string[];
  errors: string[];
}

/** Commit until `done` (by default: until the disk refuses a commit). */
async function fill(store: StoreWithState, done = (f: Filled) => f.refused.length > 0) {
  const out: Filled = { acked: [], refused: [], errors: [] };
  for (let round = 0; !done(out); round++) {
    if (round > 1000) throw new Error("the disk never filled up");
    const ops = Array.from({ length: 8 }, msg);
    const results = await Promise.allSettled(ops.map((op) => store.commit([op])));
    results.forEach((r, i) => {
      if (r.status === "fulfilled") out.acked.push(idOf(ops[i]!));
      else out.refused.push(idOf(ops[i]!)) && out.errors.push(String(r.reason));
    });
  }
  return out;
}

function journalIsWhole(dir: string): void {
  const text = readFileSync(join(dir, "journal.jsonl"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.split("\n").slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
}

describe.skipIf(!mounted)("JsonFileStore on a full disk", () => {
  test("refused commits leave no partial line, stored ones stay, and writing resumes with space", async () => {
    const dir = join(mountPoint, "a");
    const filler = join(mountPoint, "filler-a");
    writeFileSync(filler, Buffer.alloc(3400 * 1024));
    const store = open(dir, 1 << 30);
    await store.load();
    const { acked, refused, errors } = await fill(store);
    expect(acked.length).toBeGreaterThan(0);
    expect(errors[0]).toContain("ENOSPC");
    journalIsWhole(dir);
    const stored = (await readFolder(dir, 10_000)).history["room:lobby"]!.map((m) => m.id);
    expect(stored).toEqual(acked);

    rmSync(filler);
    const more = Array.from({ length: 5 }, msg);
    for (const op of more) await store.commit([op]);
    await store.close();
    const after = (await readFolder(dir, 10_000)).history["room:lobby"]!.map((m) => m.id);
    expect(after).toEqual([...acked, ...more.map(idOf)]);
    for (const id of refused) expect(after).not.toContain(id);
    expect(statSync(join(dir, "history.json")).size).toBeGreaterThan(0);
  });

  test("a compaction that runs out of space loses nothing, and compaction works again with room", async () => {
    const dir = join(mountPoint, "b");
    const filler = join(mountPoint, "filler-b");
    writeFileSync(filler, Buffer.alloc(3500 * 1024));
    const failures: string[] = [];
    const store = open(dir, 64 * 1024, (e) => failures.push(e.message));
    await store.load();
    // Compactions succeed at first, then need more room than is left.
    const { acked } = await fill(store, () => failures.length > 0);
    expect(failures[0]).toContain("ENOSPC");
    journalIsWhole(dir);
    const stored = (await readFolder(dir, 10_000)).history["room:lobby"]!.map((m) => m.id);
    expect(stored).toEqual(acked);

    rmSync(filler);
    const more = Array.from({ length: 40 }, msg);
    for (const op of more) await store.commit([op]);
    await store.close();
    const after = await readFolder(dir, 10_000);
    expect(after.history["room:lobby"]!.map((m) => m.id)).toEqual([...acked, ...more.map(idOf)]);
    // The close compacted everything into history.json.
    expect((await readDataDir(dir, 10_000)).journal.entries).toEqual([]);
  });
});
