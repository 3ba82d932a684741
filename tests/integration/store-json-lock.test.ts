/** The JSON-file store owns its folder: one store at a time, none after close. */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ids, loadOnce, msg, useJsonStoreFolders } from "../helpers/json-store.ts";

const { tempDir, open } = useJsonStoreFolders();

describe("JsonFileStore", () => {
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
