import { describe, expect, test } from "bun:test";
import {
  CursorKeeper,
  type CursorFiles,
  forgetCursor,
  loadCursor,
  saveCursor,
} from "../../client/interactive/cursor-file.ts";

// The state folder's files in memory.
function memoryFiles(): CursorFiles & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    readText: (name) => files.get(name) ?? null,
    writeText: (name, text) => void files.set(name, text),
    remove: (name) => void files.delete(name),
  };
}

// A connection's cursor and its events, moved by hand.
function fakeSource(cursor: string | null) {
  const listeners = new Set<() => void>();
  return {
    cursor,
    onEvent(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    move(to: string) {
      this.cursor = to;
      for (const listener of listeners) listener();
    },
    get listening() {
      return listeners.size;
    },
  };
}

const SERVER = "ws://chat.example:8765";

describe("the saved cursor", () => {
  test("is kept per server and account, and forgotten on its own", () => {
    const state = memoryFiles();
    saveCursor(state, SERVER, "alice", "0000000000000042");
    saveCursor(state, SERVER, "bob", "0000000000000007");
    saveCursor(state, "ws://other:1", "alice", "0000000000000099");
    expect(loadCursor(state, SERVER, "alice")).toBe("0000000000000042");
    expect(loadCursor(state, SERVER, "bob")).toBe("0000000000000007");
    expect(loadCursor(state, "ws://other:1", "alice")).toBe("0000000000000099");
    forgetCursor(state, SERVER, "alice");
    expect(loadCursor(state, SERVER, "alice")).toBeNull();
    expect(loadCursor(state, SERVER, "bob")).toBe("0000000000000007");
    // No server address or user name in the folder's file names.
    for (const name of state.files.keys()) expect(name).toMatch(/^cursor-[0-9a-f]{24}\.json$/);
  });

  test("a damaged file or a value that is not a position is no cursor (never sent)", () => {
    const state = memoryFiles();
    saveCursor(state, SERVER, "alice", "0000000000000042");
    const [name] = [...state.files.keys()];
    for (const text of ["{", "null", '{"cursor":42}', '{"cursor":"42"}', '{"cursor":"x\\n"}']) {
      state.files.set(name ?? "", text);
      expect(loadCursor(state, SERVER, "alice")).toBeNull();
    }
  });
});

describe("the cursor keeper", () => {
  test("writes the session's cursor at once, then a burst of events as one write, and the rest when stopped", () => {
    const source = fakeSource("0000000000000010");
    const saved: string[] = [];
    const keeper = new CursorKeeper(source, (c) => saved.push(c), { everyMs: 60_000 });
    expect(saved).toEqual(["0000000000000010"]);
    for (let i = 11; i <= 500; i++) source.move(String(i).padStart(16, "0"));
    // Within the interval nothing more is written: not one write per event.
    expect(saved).toEqual(["0000000000000010"]);
    keeper.stop();
    expect(saved).toEqual(["0000000000000010", "0000000000000500"]);
    expect(source.listening).toBe(0);
  });

  test("does not write again what was saved (the cursor resumed from), nor a missing cursor", () => {
    const source = fakeSource("0000000000000010");
    const saved: string[] = [];
    const keeper = new CursorKeeper(source, (c) => saved.push(c), { saved: "0000000000000010" });
    keeper.stop();
    expect(saved).toEqual([]);
    const none = fakeSource(null);
    new CursorKeeper(none, (c) => saved.push(c)).stop();
    expect(saved).toEqual([]);
  });

  test("writes a move that came within the interval once the interval is over", async () => {
    const source = fakeSource("0000000000000001");
    const saved: string[] = [];
    const keeper = new CursorKeeper(source, (c) => saved.push(c), { everyMs: 5 });
    source.move("0000000000000002");
    source.move("0000000000000003");
    while (saved.length < 2) await Bun.sleep(1);
    expect(saved).toEqual(["0000000000000001", "0000000000000003"]);
    keeper.stop();
    expect(saved).toHaveLength(2);
  });
});
