import { beforeAll, describe, expect, test } from "bun:test";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { authed, registered, type TestClient } from "../helpers/ws-client.ts";
import {
  jsonLines,
  type Listening,
  registerUser,
  registerUsers,
  tokenOf,
  uniqueName,
  type User,
} from "./helpers.ts";

const run = useServer({ isPerFile: true });

let alice: User;
let bob: User;

beforeAll(async () => {
  [alice, bob] = await registerUsers(run.server.url, "alice", "bob");
});

async function listen(user: User, args: string[] = []): Promise<Listening> {
  const l = await user.listen(args);
  run.track(l);
  return l;
}

/** alice's interactive connection (closed by the teardown), once `l` printed her online. */
async function aliceComesOnline(l: Listening): Promise<TestClient> {
  const client = run.track(await authed(run.server.url, await tokenOf(alice), "interactive"));
  await l.waitForJson(
    (e) => e.type === "presence" && e.user === alice.name && e.status === "online",
    "alice online",
  );
  return client;
}

async function sharedRoom(): Promise<string> {
  const room = uniqueName("ln");
  await alice.ok(["create", room]);
  await bob.ok(["join", room]);
  return room;
}

describe("chat listen --json", () => {
  test("prints messages and DMs as they arrive, with the shapes of the specification", async () => {
    const room = await sharedRoom();
    const l = await listen(bob, ["--json"]);
    await alice.ok(["send", room, "hello", "bob"]);
    const message = await l.waitForJson((e) => e.type === "message", "a message");
    expect(message).toEqual({
      type: "message",
      id: expect.any(String),
      room,
      from: alice.name,
      text: "hello bob",
      ts: expect.any(String),
      seq: expect.stringMatching(/^\d{16}$/),
    });
    await alice.ok(["dm", bob.name, "a secret"]);
    const dm = await l.waitForJson((e) => e.type === "dm", "a DM");
    expect(dm).toEqual({
      type: "dm",
      id: expect.any(String),
      from: alice.name,
      to: bob.name,
      text: "a secret",
      ts: expect.any(String),
      seq: expect.stringMatching(/^\d{16}$/),
    });
    expect(String(dm.seq) > String(message.seq)).toBe(true);
  });

  test("prints presence and typing of room members; who shows who is typing", async () => {
    const room = await sharedRoom();
    const l = await listen(bob, ["--json"]);
    const client = await aliceComesOnline(l);
    await client.call({ type: "typing", room, typing: true });
    const typing = await l.waitForJson((e) => e.type === "typing", "typing");
    expect(typing).toEqual({ type: "typing", room, user: alice.name, typing: true });
    const who = jsonLines(await bob.ok(["who", room, "--json"]));
    expect(who).toContainEqual({ user: alice.name, status: "online", typing: true });
    expect(await bob.ok(["who", room])).toMatch(new RegExp(`${alice.name}\\s+online\\s+typing`));
    await client.close();
    const offline = await l.waitForJson(
      (e) => e.type === "presence" && e.user === alice.name && e.status === "offline",
      "alice offline",
    );
    expect(offline).toEqual({ type: "presence", user: alice.name, status: "offline" });
  });

  test("a presence change is printed once, also for someone sharing several rooms", async () => {
    const [one, two] = [await sharedRoom(), await sharedRoom()];
    const l = await listen(bob, ["--json"]);
    await aliceComesOnline(l);
    // Something printed after the change, so that a second copy would have arrived.
    await alice.ok(["send", two, "after the change"]);
    await l.waitForJson((e) => e.text === "after the change", "the message after it");
    const online = l.json.filter((e) => e.type === "presence" && e.user === alice.name);
    expect(online).toEqual([{ type: "presence", user: alice.name, status: "online" }]);
    expect(one).not.toBe(two);
  });

  test("prints join requests to the admin and the decision to the requester", async () => {
    const room = uniqueName("cl");
    await alice.ok(["create", room, "--closed"]);
    const admin = await listen(alice, ["--json"]);
    const requester = await listen(bob, ["--json"]);
    await bob.ok(["join", room]);
    const request = await admin.waitForJson((e) => e.type === "join_request", "a join request");
    expect(request).toEqual({
      type: "join_request",
      room,
      user: bob.name,
      seq: expect.any(String),
    });
    await alice.ok(["approve", room, bob.name]);
    const decision = await requester.waitForJson((e) => e.type === "join_decision", "a decision");
    expect(decision).toEqual({
      type: "join_decision",
      room,
      approved: true,
      seq: expect.any(String),
    });
  });

  test("prints room changes: edits, members leaving, shutdown", async () => {
    const room = await sharedRoom();
    const l = await listen(bob, ["--json"]);
    await alice.ok(["edit", room, "--topic", "New topic"]);
    const update = await l.waitForJson((e) => e.type === "room_update", "a room update");
    expect(update.room).toMatchObject({ name: room, topic: "New topic" });
    await alice.ok(["shutdown", room, "--yes"]);
    await l.waitForJson((e) => e.type === "room_shutdown" && e.room === room, "the shutdown");
  });

  test("--count N exits 0 after N messages; rooms given filter the rest out", async () => {
    const room = await sharedRoom();
    const other = await sharedRoom();
    const l = await listen(bob, ["--json", "--count", "2", room]);
    await alice.ok(["send", other, "not this one"]);
    await alice.ok(["send", room, "one"]);
    await alice.ok(["send", room, "two"]);
    expect(await l.proc.exited).toBe(0);
    const texts = l.json.filter((e) => e.type === "message").map((e) => e.text);
    expect(texts).toEqual(["one", "two"]);
  });

  test("a room one is not in exits 5 at once; a missing room 3", async () => {
    const room = uniqueName("nm");
    await alice.ok(["create", room]);
    expect((await bob.run(["listen", room])).code).toBe(5);
    expect((await bob.run(["listen", uniqueName("nope")])).code).toBe(3);
  });
});

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

describe("chat listen --since", () => {
  test("prints what happened after the cursor once, in log order, then live events", async () => {
    const carol = await registerUser(run.server.url, "carol");
    const room = uniqueName("off");
    await alice.ok(["create", room, "--closed"]);
    const first = await listen(carol, ["--json", "--count", "1"]);
    await alice.ok(["dm", carol.name, "first"]);
    expect(await first.proc.exited).toBe(0);
    const cursor = String(first.json.find((e) => e.text === "first")!.seq);
    // While carol is away:
    await carol.ok(["join", room]);
    await alice.ok(["approve", room, carol.name]);
    await alice.ok(["dm", carol.name, "while you were out"]);
    await alice.ok(["send", room, "welcome"]);
    const l = await listen(carol, ["--json", "--since", cursor]);
    await l.waitForJson((e) => e.text === "welcome", "the missed room message");
    await alice.ok(["send", room, "live"]);
    await l.waitForJson((e) => e.text === "live", "the live message");
    const seen = l.json.map((e) => `${String(e.type)} ${String(e.text ?? e.approved ?? e.event)}`);
    expect(seen).toEqual([
      "member joined",
      "join_decision true",
      "dm while you were out",
      "message welcome",
      "message live",
    ]);
    const seqs = l.json.map((e) => String(e.seq));
    expect(seqs).toEqual([...seqs].sort());
    expect(seqs[0]! > cursor).toBe(true);
  });

  test("without it, listen starts from now and names its cursor on stderr: given to --since, it brings what came meanwhile", async () => {
    const room = await sharedRoom();
    await alice.ok(["send", room, "before"]);
    const first = await listen(bob, ["--json"]);
    const cursor = /^listening on .* from cursor (\d{16})$/m.exec(first.stderr)?.[1] ?? "";
    expect(cursor).toMatch(/^\d{16}$/);
    await first.close();
    await alice.ok(["send", room, "meanwhile"]);
    const l = await listen(bob, ["--json", "--since", cursor]);
    expect(l.stderr).toContain(`from cursor ${cursor}`);
    await alice.ok(["send", room, "live"]);
    await l.waitForJson((e) => e.text === "live", "the live message");
    const texts = [...first.json, ...l.json].filter((e) => e.room === room).map((e) => e.text);
    expect(texts).toEqual(["meanwhile", "live"]);
  });

  test("--type keeps only those types; --exclude-self drops one's own messages", async () => {
    const room = await sharedRoom();
    const l = await listen(bob, ["--json", "--type", "message,dm", "--exclude-self"]);
    await bob.ok(["send", room, "mine"]);
    await alice.ok(["edit", room, "--topic", "not printed"]);
    await alice.ok(["dm", bob.name, "theirs"]);
    await alice.ok(["send", room, "last"]);
    await l.waitForJson((e) => e.text === "last", "the last message");
    expect(l.json.map((e) => `${String(e.type)} ${String(e.text)}`)).toEqual([
      "dm theirs",
      "message last",
    ]);
  });

  test("a malformed cursor or type list is a usage error (2); a foreign cursor is refused (2)", async () => {
    for (const args of [
      ["--since", "yesterday"],
      ["--type", "message;rm"],
    ]) {
      const r = await bob.run(["listen", ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
    const foreign = await bob.run(["listen", "--since", "9999999999999999"]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("cursor");
  });
});
