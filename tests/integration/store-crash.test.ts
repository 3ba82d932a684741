import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCrashTest } from "../../scripts/crash-test.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let dir = "";

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("JsonFileStore under kill -9", () => {
  test("after each SIGKILL every file parses and every acknowledged message is stored once", async () => {
    dir = await mkdtemp(join(tmpdir(), "chat-crash-"));
    const results = await runCrashTest(dir, 5);
    expect(results.map((r) => r.problems)).toEqual([[], [], [], [], []]);
    // The writer really wrote between kills.
    expect(results.at(-1)!.acknowledged).toBeGreaterThan(results[0]!.acknowledged);
  });
});
