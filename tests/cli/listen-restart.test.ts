/** `chat listen` across a server restart: it reconnects and catches up, printing nothing twice. */
import { describe, expect, test } from "bun:test";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { type Listening, registerUsers, uniqueName, type User } from "./helpers.ts";

const run = useServer({ isPerFile: true });

/**
 * Stop `own` under the listener `l`, start it again on its port and run `meanwhile` (what `l`
 * must catch up on), then wait until `l` is back and `a`'s live "after" in `room` reaches it.
 */
async function restartUnder(
  l: Listening,
  own: TestServer,
  { a, room }: { a: User; room: string },
  meanwhile: () => Promise<unknown>,
): Promise<void> {
  await own.stop();
  await l.waitUntil(() => l.stderr.includes("reconnecting"), "the reconnecting notice");
  await run.restart(own);
  await meanwhile();
  await l.waitUntil(() => l.stderr.includes("reconnected"), "the reconnected notice", 20_000);
  await a.ok(["send", room, "after"]);
  await l.waitForJson((e) => e.text === "after", "the live message after the restart");
}

describe("chat listen across a server restart", () => {
  test("reconnects by itself, catches up on what it missed, and prints nothing twice", async () => {
    const own = await run.start();
    const [a, b] = await registerUsers(own.url, "ra", "rb");
    const room = uniqueName("rs");
    await a.ok(["create", room]);
    await b.ok(["join", room]);
    const l = run.track(await b.listen(["--json"]));
    await a.ok(["send", room, "before"]);
    await l.waitForJson((e) => e.text === "before", "the first message");
    await restartUnder(l, own, { a, room }, async () => {
      await a.ok(["send", room, "missed 1"]);
      await a.ok(["dm", b.name, "missed dm"]);
      await a.ok(["send", room, "missed 2"]);
    });
    const texts = l.json.filter((e) => e.type === "message" || e.type === "dm").map((e) => e.text);
    expect(texts).toEqual(["before", "missed 1", "missed dm", "missed 2", "after"]);
  });
});

describe("chat listen across a server restart, in a room joined while listening", () => {
  test("what was missed in a room approved while listening is printed after the reconnect", async () => {
    const own = await run.start();
    const [a, b] = await registerUsers(own.url, "ja", "jb");
    const room = uniqueName("jr");
    await a.ok(["create", room, "--closed"]);
    const l = run.track(await b.listen(["--json"]));
    await b.ok(["join", room]);
    await a.ok(["approve", room, b.name]);
    await l.waitForJson((e) => e.type === "join_decision", "the decision");
    // Nothing printed from the room yet: only the decision tells the listener about it.
    await b.ok(["rooms"]);
    await restartUnder(l, own, { a, room }, () => a.ok(["send", room, "missed in the new room"]));
    const texts = l.json.filter((e) => e.type === "message").map((e) => e.text);
    expect(texts).toEqual(["missed in the new room", "after"]);
  });
});
