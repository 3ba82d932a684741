import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { bunPasswords } from "../../server/platform.ts";

/** The nice value of each of this process's threads whose name starts with `prefix`. */
function niceOf(prefix: string): number[] {
  const out: number[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    if (!readFileSync(`/proc/self/task/${tid}/comm`, "utf8").startsWith(prefix)) continue;
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // After "(comm) " the fields start at the 3rd of stat (state); nice is the 19th.
    out.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
  }
  return out;
}

describe.skipIf(process.platform !== "linux")("Password hashing threads", () => {
  test("hash and verify run on pool threads at the lowest priority, the event loop keeps its own", async () => {
    const passwords = bunPasswords(true);
    const hash = await passwords.hash("correct horse");
    expect(await passwords.verify("correct horse", hash)).toBe(true);
    expect(await passwords.verify("wrong", hash)).toBe(false);
    const pool = niceOf("Bun Pool");
    expect(pool.length).toBeGreaterThan(0);
    expect(pool.every((n) => n === 19)).toBe(true);
    // The event loop's own thread is left as it was.
    const main = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    expect(Number(main.slice(main.lastIndexOf(")") + 2).split(" ")[16])).toBeLessThan(19);
  });
});
