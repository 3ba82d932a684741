/** `chat listen` for people: readable lines, signals, one line per person coming online. */
import { describe, expect, test } from "bun:test";
import { useServer } from "../helpers/use-server.ts";
import { authed, registered } from "../helpers/ws-client.ts";
import { uniqueName } from "./helpers.ts";
import { alice, bob, listenWith, sharedRoom, useAliceAndBob } from "./listen-setup.ts";

const run = useServer({ isPerFile: true });
useAliceAndBob(run);
const listen = listenWith(run);

describe("chat listen for people", () => {
  test("readable lines; SIGINT exits 130 and SIGTERM exits 0", async () => {
    const room = await sharedRoom();
    const l = await listen(bob);
    await alice.ok(["send", room, "hi there"]);
    await l.waitUntil(
      () => l.lines.some((x) => x.includes(`#${room} ${alice.name}: hi there`)),
      "a line",
    );
    const line = l.lines.find((x) => x.includes("hi there")) ?? "";
    expect(line).toMatch(/^\d\d:\d\d #/);
    expect(line).not.toContain("\x1b");
    expect(await l.stop("SIGINT")).toBe(130);
    const again = await listen(bob);
    expect(await again.stop("SIGTERM")).toBe(0);
  });

  test("people coming online together are one line each, once", async () => {
    const room = await sharedRoom();
    const names = [uniqueName("pa"), uniqueName("pb"), uniqueName("pc")];
    const tokens: string[] = [];
    for (const name of names) {
      const { client, token } = await registered(run.server.url, name, "oneshot");
      await client.call({ type: "join", room });
      await client.close();
      tokens.push(token);
    }
    const l = await listen(bob);
    // Online within one presence window: the server tells the room of them in one event.
    const live = await Promise.all(tokens.map((t) => authed(run.server.url, t, "listen")));
    live.forEach((c) => run.track(c));
    const lineOf = (name: string) => `* ${name} is online`;
    await l.waitUntil(() => names.every((n) => l.lines.some((x) => x.endsWith(lineOf(n)))), "all");
    await alice.ok(["send", room, "after them"]);
    await l.waitUntil(() => l.lines.some((x) => x.includes("after them")), "the message after");
    for (const name of names) {
      expect(l.lines.filter((x) => x.endsWith(lineOf(name)))).toHaveLength(1);
    }
  });
});
