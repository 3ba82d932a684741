import { describe, expect, test } from "bun:test";
import { defaultHashConcurrency, HashQueue } from "../../server/domain/hash-queue.ts";
import type { PasswordHasher } from "../../server/domain/types.ts";

/** A hasher whose hashes wait until `finish`, counting the most that ran at once. */
function heldHasher() {
  let running = 0;
  const held = {
    most: 0,
    release: [] as (() => void)[],
    hasher: {
      hash: async (pw: string) => {
        running++;
        held.most = Math.max(held.most, running);
        await new Promise<void>((r) => held.release.push(r));
        running--;
        return `pw(${pw})`;
      },
      verify: async () => true,
    } satisfies PasswordHasher,
    /** Let every held hash finish, one a turn, until `queue` runs none. */
    async finish(queue: HashQueue): Promise<void> {
      while (held.release.length > 0 || queue.running > 0) {
        held.release.shift()?.();
        await Bun.sleep(0);
      }
    },
  };
  return held;
}

describe("Password hash queue", () => {
  test("runs no more hashes at once than its slots, and refuses past its waiting bound", async () => {
    const slow = heldHasher();
    const queue = new HashQueue(slow.hasher, { concurrency: 2, maxWaiting: 3 });
    const all = Array.from({ length: 8 }, (_, i) =>
      queue.hash(`p${i}`).then(
        (v) => v,
        (err: { code?: string }) => `refused:${err.code}`,
      ),
    );
    await Bun.sleep(0);
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(3);
    await slow.finish(queue);
    const results = await Promise.all(all);
    expect(slow.most).toBe(2);
    expect(results.filter((r) => r.startsWith("pw("))).toHaveLength(5);
    expect(results.filter((r) => r === "refused:rate_limited")).toHaveLength(3);
  });

  test("by default one core is left to the event loop, and one core hashes one password at a time", async () => {
    expect(defaultHashConcurrency(1)).toBe(1);
    expect(defaultHashConcurrency(2)).toBe(1);
    expect(defaultHashConcurrency(8)).toBe(7);
    const slow = heldHasher();
    const queue = new HashQueue(slow.hasher, {
      concurrency: defaultHashConcurrency(2),
      maxWaiting: 2,
    });
    const all = Array.from({ length: 4 }, (_, i) =>
      queue.hash(`p${i}`).then(
        (v) => v,
        (err: { code?: string }) => `refused:${err.code}`,
      ),
    );
    await Bun.sleep(0);
    expect(queue.running).toBe(1);
    expect(queue.waiting).toBe(2);
    await slow.finish(queue);
    expect(slow.most).toBe(1);
    expect(await Promise.all(all)).toEqual(["pw(p0)", "pw(p1)", "pw(p2)", "refused:rate_limited"]);
  });
});
