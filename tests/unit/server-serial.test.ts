import { describe, expect, test } from "bun:test";
import { KeyedQueue } from "../../server/domain/serial.ts";

/** A promise with its resolve and reject, to finish a run when the test says so. */
function gate(): { promise: Promise<void>; open: () => void; fail: (e: Error) => void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { promise, open, fail };
}

describe("KeyedQueue", () => {
  test("runs of one key wait for each other, in order; other keys go ahead", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a1 = q.run(["a"], async () => {
      log.push("a1 start");
      await first.promise;
      log.push("a1 end");
    });
    const a2 = q.run(["a"], async () => void log.push("a2"));
    const b1 = q.run(["b"], async () => void log.push("b1"));
    await b1;
    expect(log).toEqual(["a1 start", "b1"]);
    first.open();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b1", "a1 end", "a2"]);
  });

  test("a run with two keys waits for both; a failed run passes its error on and the next goes ahead", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const a = gate();
    const b = gate();
    const ra = q.run(["a"], async () => {
      await a.promise;
      log.push("a");
    });
    const rb = q.run(["b"], async () => {
      await b.promise;
      log.push("b");
    });
    const both = q.run(["a", "b"], async () => void log.push("a+b"));
    a.open();
    await ra;
    expect(log).toEqual(["a"]);
    b.fail(new Error("disk full"));
    await expect(rb).rejects.toThrow("disk full");
    await both;
    expect(log).toEqual(["a", "a+b"]);
    expect(await q.run(["b"], async () => 42)).toBe(42);
  });
});
