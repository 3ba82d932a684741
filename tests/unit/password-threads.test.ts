/**
 * Password hashing runs on threads of its own at the lowest priority; the event loop and
 * Bun's pool (which writes and fsyncs the journal) keep theirs.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PasswordThreads } from "../../server/password-threads.ts";
import { bunPasswords } from "../../server/platform.ts";

/** The nice value of each of this process's threads whose name starts with `prefix`. */
function niceOf(prefix: string): number[] {
  const out: number[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    let comm: string;
    let stat: string;
    try {
      comm = readFileSync(`/proc/self/task/${tid}/comm`, "utf8");
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    if (!comm.startsWith(prefix)) continue;
    // After "(comm) " the fields start at the 3rd of stat (state); nice is the 19th.
    out.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
  }
  return out;
}

describe("Password hashing threads", () => {
  test("hash and verify give argon2id hashes that check right and wrong passwords", async () => {
    const passwords = bunPasswords(true, 2);
    const hash = await passwords.hash("correct horse");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await passwords.verify("correct horse", hash)).toBe(true);
    expect(await passwords.verify("wrong", hash)).toBe(false);
    // A malformed stored hash matches no password; it is not an error.
    expect(await passwords.verify("correct horse", "not a hash")).toBe(false);
  });

  test("more hashes at once than threads all finish, each with its own result", async () => {
    const passwords = bunPasswords(true, 2);
    const words = Array.from({ length: 7 }, (_, i) => `password ${i}`);
    const hashes = await Promise.all(words.map((w) => passwords.hash(w)));
    const checks = await Promise.all(words.map((w, i) => passwords.verify(w, hashes[i]!)));
    expect(checks).toEqual(words.map(() => true));
    expect(await passwords.verify(words[0]!, hashes[1]!)).toBe(false);
  });

  test("a hash that fails is an error for its caller; the thread goes on with the next", async () => {
    const bad = new PasswordThreads({ algorithm: "argon2id", memoryCost: 1, timeCost: 1 }, 1);
    await expect(bad.hash("x")).rejects.toThrow("Memory cost must be at least 8");
    // The same thread checks a good hash afterwards.
    const hash = await bunPasswords(true, 1).hash("y");
    expect(await bad.verify("y", hash)).toBe(true);
  });

  test.skipIf(process.platform !== "linux")(
    "hashing threads run at the lowest priority; the event loop and the file pool keep theirs",
    async () => {
      const passwords = bunPasswords(true, 1);
      await passwords.verify("x", await passwords.hash("x"));
      // File writes and fsyncs (the journal's) run on Bun's pool.
      const file = await open(join(tmpdir(), `chat-priority-${process.pid}`), "w");
      await file.write("line\n");
      await file.sync();
      await file.close();
      // This file's other tests started hashing threads too: every one is at nice 19.
      const hashing = niceOf("Worker");
      expect(hashing.length).toBeGreaterThan(0);
      expect(hashing.every((n) => n === 19)).toBe(true);
      const pool = niceOf("Bun Pool");
      expect(pool.length).toBeGreaterThan(0);
      expect(pool.every((n) => n < 19)).toBe(true);
      const main = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
      expect(Number(main.slice(main.lastIndexOf(")") + 2).split(" ")[16])).toBeLessThan(19);
    },
  );
});
