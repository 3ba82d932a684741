/** The JSON-file store compacting its journal into snapshot files, and crashes while it does. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ids, loadOnce, msg, useJsonStoreFolders } from "../helpers/json-store.ts";

const { tempDir, open } = useJsonStoreFolders();

describe("JsonFileStore", () => {
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
});
