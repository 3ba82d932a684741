/**
 * What the tests of the JSON-file store share: temp folders and stores closed and removed after
 * each test, crash copies of a folder, and small records to commit.
 */
import { afterEach, setDefaultTimeout } from "bun:test";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredMessage, StoreOp } from "../../server/store/store.ts";
import { roomKey } from "../../server/store/store.ts";
import { roomRecord, userRecord } from "./records.ts";
import { loadFolder, StoreWithState } from "./stored-state.ts";

/** Temp folders and stores made by a test file's tests; each test's are removed after it. */
export interface JsonStoreFolders {
  /** A fresh temp folder. */
  tempDir(): Promise<string>;
  /** A store on `dir` with the state a server keeps over it (compaction writes from that state). */
  open(dir: string, historyLimit?: number, compactBytes?: number): StoreWithState;
  /**
   * A copy of the folder as it is now: what a kill -9 at this instant would leave behind.
   * Only while no compaction runs: files copied one by one are not one instant otherwise.
   */
  crashCopy(dir: string): Promise<string>;
}

/** Temp folders and stores for this file's tests, closed and removed after each test. */
export function useJsonStoreFolders(): JsonStoreFolders {
  // The tests start real processes and fsync: 5 s per test is too tight on a busy machine.
  setDefaultTimeout(30_000);
  const dirs: string[] = [];
  const stores: StoreWithState[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => {});
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "chat-store-"));
    dirs.push(dir);
    return dir;
  };
  return {
    tempDir,
    open(dir, historyLimit = 100, compactBytes) {
      const store = new StoreWithState(dir, { historyLimit, compactBytes });
      stores.push(store);
      return store;
    },
    async crashCopy(dir) {
      const copy = await tempDir();
      await cp(dir, copy, { recursive: true });
      return copy;
    },
  };
}

/** What a server started on `dir` would hold. */
export async function loadOnce(dir: string, historyLimit = 100) {
  return await loadFolder(dir, historyLimit);
}

/** A user record named `name`. */
export const user = (name: string) => userRecord(name);
/** A room record named `name` with `members`. */
export const room = (name: string, members = ["ann"]) => roomRecord(name, { members });

/** The op of message `id` from ann to a room; its text holds quotes, non-ASCII and a newline. */
export function msg(id: string, roomName = "lobby"): StoreOp {
  const message: StoredMessage = {
    id,
    from: "ann",
    text: `text of ${id} with "quotes", ünïcödé and a\nnewline`,
    ts: "2026-01-01T00:00:00.000Z",
    room: roomName,
  };
  return { op: "msg", key: roomKey(roomName), message };
}

/** The ids of the messages kept under `key`, in order. */
export function ids(snapshot: { history: Record<string, StoredMessage[]> }, key: string): string[] {
  return (snapshot.history[key] ?? []).map((m) => m.id);
}
