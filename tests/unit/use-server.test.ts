import { describe, expect, test } from "bun:test";
import { ServerHarness } from "../helpers/use-server.ts";

describe("The shared test teardown", () => {
  test("closes and stops what a test tracked, newest first, each once", async () => {
    const harness = new ServerHarness();
    const ended: string[] = [];
    const client = (name: string) => ({ close: () => void ended.push(name) });
    const first = harness.track(client("first"));
    harness.track(client("second"), { stop: async () => void ended.push("process") });
    expect(first).toHaveProperty("close");
    await harness.cleanUp();
    expect(ended).toEqual(["process", "second", "first"]);
    await harness.cleanUp();
    expect(ended).toHaveLength(3);
  });

  test("goes on past a failing close and then reports the failure", async () => {
    const harness = new ServerHarness();
    const ended: string[] = [];
    harness.track({ close: () => void ended.push("kept") });
    harness.track({
      close: () => {
        throw new Error("already gone");
      },
    });
    await expect(harness.cleanUp()).rejects.toThrow("already gone");
    expect(ended).toEqual(["kept"]);
  });

  test("closeTracked closes the test's clients so far and leaves later ones to the teardown", async () => {
    const harness = new ServerHarness();
    const ended: string[] = [];
    harness.track({ close: () => void ended.push("early") });
    await harness.closeTracked();
    harness.track({ close: () => void ended.push("late") });
    expect(ended).toEqual(["early"]);
    await harness.cleanUp();
    expect(ended).toEqual(["early", "late"]);
  });

  test("a tracked process is killed and waited for", async () => {
    const harness = new ServerHarness();
    const p = harness.trackProcess(Bun.spawn(["sleep", "60"], { stdout: "ignore" }));
    await harness.cleanUp();
    expect(p.signalCode).toBe("SIGKILL");
  });

  test("server names no server before one started", () => {
    expect(() => new ServerHarness().server).toThrow("no server");
  });
});

describe("The teardown of a file that shares one server", () => {
  test("closes after a test what the test tracked, and keeps what the file tracked before", async () => {
    const harness = new ServerHarness();
    const ended: string[] = [];
    harness.track({ close: () => void ended.push("file's") });
    harness.beginTest();
    harness.track({ close: () => void ended.push("first test's") });
    await harness.endTest();
    harness.beginTest();
    harness.track({ close: () => void ended.push("second test's") });
    await harness.endTest();
    expect(ended).toEqual(["first test's", "second test's"]);
    await harness.cleanUp();
    expect(ended).toEqual(["first test's", "second test's", "file's"]);
  });

  test("closeTracked in a test leaves what the file tracked", async () => {
    const harness = new ServerHarness();
    const ended: string[] = [];
    harness.track({ close: () => void ended.push("file's") });
    harness.beginTest();
    harness.track({ close: () => void ended.push("test's") });
    await harness.closeTracked();
    expect(ended).toEqual(["test's"]);
  });
});
