/** The JSON-file store on damaged files: a torn line is cut, anything else stops load untouched. */
import { describe, expect, test } from "bun:test";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ids, loadOnce, msg, user, useJsonStoreFolders } from "../helpers/json-store.ts";

const { tempDir, open, crashCopy } = useJsonStoreFolders();

describe("JsonFileStore", () => {
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
});
