/**
 * Password hashing runs on threads of its own at the lowest priority; the event loop and
 * Bun's pool (which writes and fsyncs the journal) keep theirs.
 */
import { describe, expect, test } from "bun:test";
import { PasswordThreads } from "../../server/password-threads.ts";
import { bunPasswords } from "../../server/platform.ts";

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

  test("a thread that ends or fails answers its job as failed; the next jobs run on a new one", async () => {
    const script = new URL("../fixtures/failing-hash-worker.ts", import.meta.url);
    const threads = new PasswordThreads({ algorithm: "argon2id" }, 1, script);
    await expect(threads.hash("exit")).rejects.toThrow("password hashing failed");
    expect(await threads.hash("a")).toBe("hashed a");
    await expect(threads.hash("throw")).rejects.toThrow("password hashing failed");
    expect(await threads.hash("b")).toBe("hashed b");
    // Jobs queued behind one whose thread ends all get their answer.
    const all = await Promise.allSettled(["exit", "c", "d"].map((p) => threads.hash(p)));
    expect(all.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
  });

  test.skipIf(process.platform !== "linux")(
    "hashing threads run at the lowest priority; the event loop, the file pool and the rest keep theirs",
    () => {
      // A process of its own: no other test's threads, and its first collection still to come.
      const script = new URL("../fixtures/hash-priorities.ts", import.meta.url).pathname;
      const run = Bun.spawnSync([process.execPath, script], { env: process.env });
      const out = run.stdout.toString();
      const threads = (out ? JSON.parse(out) : {}) as Record<string, number[] | undefined>;
      const lowered = (list: number[] = []) => list.filter((n) => n === 19).length;
      // One comparison, so that a failure shows everything the process said. Collector threads
      // are left out: each engine instance has its own, and a hashing thread's may start at
      // its priority, which is right for it.
      expect({
        stderr: run.stderr.toString(),
        hashing: threads.hashing,
        pool: threads.pool?.length ? lowered(threads.pool) : "none",
        others: (threads.others?.length ?? 0) > 1 ? lowered(threads.others) : "none",
      }).toEqual({ stderr: "", hashing: [19, 19], pool: 0, others: 0 });
    },
  );
});
