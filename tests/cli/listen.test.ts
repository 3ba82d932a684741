/** `chat listen --json`: what it prints as events arrive, and how it exits. */
import { describe, expect, test } from "bun:test";
import { useServer } from "../helpers/use-server.ts";
import { authed, type TestClient } from "../helpers/ws-client.ts";
import { jsonLines, type Listening, tokenOf, uniqueName } from "./helpers.ts";
import { alice, bob, listenWith, sharedRoom, useAliceAndBob } from "./listen-setup.ts";

const run = useServer({ isPerFile: true });
useAliceAndBob(run);
const listen = listenWith(run);

/** alice's interactive connection (closed by the teardown), once `l` printed her online. */
async function aliceComesOnline(l: Listening): Promise<TestClient> {
  const client = run.track(await authed(run.server.url, await tokenOf(alice), "interactive"));
  await l.waitForJson(
    (e) => e.type === "presence" && e.user === alice.name && e.status === "online",
    "alice online",
  );
  return client;
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
