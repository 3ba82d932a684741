import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";

const run = useServer();

function start(args: string[] = []): Promise<TestServer> {
  return run.start({ args });
}

async function user(
  url: string,
  name: string,
  mode: "interactive" | "oneshot" = "oneshot",
): Promise<{ client: TestClient; token: string }> {
  const r = await registered(url, name, mode);
  run.track(r.client);
  return r;
}

async function send(c: TestClient, room: string, text: string): Promise<string> {
  return String(((await c.call({ type: "send", room, text })).message as { id: string }).id);
}

async function dm(c: TestClient, to: string, text: string): Promise<string> {
  return String(((await c.call({ type: "dm", to, text })).message as { id: string }).id);
}

function roomOf(reply: Frame, name: string): Record<string, unknown> | undefined {
  return (reply.rooms as Record<string, unknown>[]).find((r) => r.name === name);
}

describe("Read markers", () => {
  test("a marker moves only forward and is shared by the user's connections", async () => {
    const s = await start();
    const { client: alice } = await user(s.url, "alice");
    const { client: bob, token } = await user(s.url, "bob", "interactive");
    const phone = await authed(s.url, token, "interactive");
    run.track(phone);
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await send(alice, "lobby", `m${i}`));

    const cursor = String((await phone.call({ type: "sync", since: "0".repeat(16) })).cursor);
    const moved = await bob.call({ type: "read", room: "lobby", upTo: ids[1] });
    expect(moved).toMatchObject({ type: "read", room: "lobby", upTo: ids[1], unread: 1 });
    const told = await phone.next("read");
    expect(told).toMatchObject({ room: "lobby", upTo: ids[1] });
    // A stored event: it has its place in the log, and a device that was away gets it by sync.
    expect(String(told.seq) > cursor).toBe(true);
    await phone.call({ type: "sync", since: cursor });
    expect(await phone.next("read")).toEqual(told);
    const listed = roomOf(await phone.call({ type: "rooms" }), "lobby");
    expect(listed).toMatchObject({ unread: 1, mentions: 0 });

    // An older id is accepted, changes nothing and answers the marker as it stands.
    const back = await phone.call({ type: "read", room: "lobby", upTo: ids[0] });
    expect(back).toMatchObject({ type: "read", room: "lobby", upTo: ids[1], unread: 1 });
    await bob.call({ type: "read", room: "lobby", upTo: ids[2] });
    expect(await phone.next("read")).toMatchObject({ upTo: ids[2] });
    // The move back told no one: the next event the phone saw was the move forward.
    expect(phone.pending().filter((f) => f.type === "read")).toEqual([]);
    expect(roomOf(await bob.call({ type: "rooms" }), "lobby")).toMatchObject({ unread: 0 });
    // Private: the other member was told nothing.
    expect(alice.pending().filter((f) => f.type === "read")).toEqual([]);
  });

  test("a marker needs a kept message of a room the user belongs to", async () => {
    const s = await start();
    const { client: alice } = await user(s.url, "alice");
    const { client: bob } = await user(s.url, "bob");
    await alice.call({ type: "create", room: "lobby" });
    await alice.call({ type: "create", room: "secret", visible: false });
    const inLobby = await send(alice, "lobby", "hello");
    const inSecret = await send(alice, "secret", "hidden words");
    const asBob = (m: Record<string, unknown>) => bob.request({ type: "read", ...m });

    expect(await asBob({ room: "lobby", upTo: inLobby })).toMatchObject({ code: "forbidden" });
    // A hidden room answers exactly as a missing one.
    const hidden = await asBob({ room: "secret", upTo: inSecret });
    const missing = await asBob({ room: "nowhere", upTo: inSecret });
    expect(hidden).toMatchObject({ code: "not_found" });
    expect(hidden.message).toBe(String(missing.message).replace("nowhere", "secret"));
    await bob.call({ type: "join", room: "lobby" });
    // A message of another room is not a message of this one.
    expect(await asBob({ room: "lobby", upTo: inSecret })).toMatchObject({ code: "not_found" });
    expect(await asBob({ room: "lobby", upTo: "nonsense" })).toMatchObject({ code: "not_found" });
    const malformed = await asBob({ room: "lobby", upTo: "not an id!" });
    expect(malformed).toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("upTo"),
    });
    expect(await bob.request({ type: "read", upTo: inLobby })).toMatchObject({
      code: "bad_request",
    });
    expect(await asBob({ room: "lobby", user: "alice", upTo: inLobby })).toMatchObject({
      code: "bad_request",
    });
  });

  test("markers and counts survive a restart and a compaction", async () => {
    const s = await start();
    const { client: alice } = await user(s.url, "alice");
    const { client: bob, token: bobToken } = await user(s.url, "bob");
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await send(alice, "lobby", `hey bob ${i}`));
    const d1 = await dm(alice, "bob", "first");
    await dm(alice, "bob", "second");
    await bob.call({ type: "read", room: "lobby", upTo: ids[1] });
    await bob.call({ type: "read", user: "alice", upTo: d1 });
    await run.closeTracked();
    await s.stop();

    // A clean stop compacts into the snapshot files: the markers are in them.
    expect(readFileSync(join(s.dataDir, "users.json"), "utf8")).toContain(ids[1]!);
    const second = await run.restart(s);
    const bob2 = await authed(second.url, bobToken, "oneshot");
    run.track(bob2);
    expect(roomOf(await bob2.call({ type: "rooms" }), "lobby")).toMatchObject({
      unread: 2,
      mentions: 2,
    });
    const convs = await bob2.call({ type: "conversations" });
    expect(convs.conversations).toMatchObject([{ user: "alice", unread: 1, mentions: 0 }]);
    // An older id after the restart still changes nothing.
    const again = await bob2.call({ type: "read", room: "lobby", upTo: ids[0] });
    expect(again.upTo).toBe(ids[1]);

    // Killed without a compaction, the journal alone brings a later move back.
    await bob2.call({ type: "read", room: "lobby", upTo: ids[3] });
    await second.kill();
    const third = await run.restart(second);
    const bob3 = await authed(third.url, bobToken, "oneshot");
    run.track(bob3);
    expect(roomOf(await bob3.call({ type: "rooms" }), "lobby")).toMatchObject({ unread: 0 });
  });
});

describe("Unread and mention counts", () => {
  test("rooms counts others' messages after the marker, and mentions as a word or @name", async () => {
    const s = await start();
    const { client: alice } = await user(s.url, "alice");
    const { client: bob } = await user(s.url, "bob");
    await alice.call({ type: "create", room: "lobby" });
    await send(alice, "lobby", "before bob joined: bob");
    await bob.call({ type: "join", room: "lobby" });
    // What was said before joining is not unread.
    expect(roomOf(await bob.call({ type: "rooms" }), "lobby")).toMatchObject({
      unread: 0,
      mentions: 0,
    });
    const texts = [
      "hi Bob",
      "ping @BOB!",
      "bobby is here",
      "bob-x and xbob and bob_y",
      "(bob)",
      "nothing",
    ];
    for (const t of texts) await send(alice, "lobby", t);
    await send(bob, "lobby", "my own message, bob");
    expect(roomOf(await bob.call({ type: "rooms" }), "lobby")).toMatchObject({
      unread: 6,
      mentions: 3,
    });
    // The sender's own counts: every message of others, and no mention of alice.
    expect(roomOf(await alice.call({ type: "rooms" }), "lobby")).toMatchObject({
      unread: 1,
      mentions: 0,
    });
  });

  test("counts are bounded by the kept history and given only for the caller's rooms", async () => {
    const s = await start(["--history-limit", "5"]);
    const { client: alice } = await user(s.url, "alice");
    const { client: bob } = await user(s.url, "bob");
    const { client: carol } = await user(s.url, "carol");
    await alice.call({ type: "create", room: "lobby" });
    await alice.call({ type: "create", room: "club", open: false });
    await bob.call({ type: "join", room: "lobby" });
    await carol.call({ type: "join", room: "club" });
    for (let i = 0; i < 12; i++) await send(alice, "lobby", `bob ${i}`);
    await send(alice, "club", "carol waits");
    const rooms = await bob.call({ type: "rooms" });
    expect(roomOf(rooms, "lobby")).toMatchObject({ unread: 5, mentions: 5 });
    // A room the caller is not in, or only asked to join, carries no counts.
    for (const who of [rooms, await carol.call({ type: "rooms" })]) {
      const club = roomOf(who, "club")!;
      expect(club.unread).toBeUndefined();
      expect(club.mentions).toBeUndefined();
    }
  });
});

describe("Conversations", () => {
  test("partners come newest first with their last message and counts, in pages", async () => {
    const s = await start(["--conversations-page", "2"]);
    const { client: bob } = await user(s.url, "bob");
    const others = [];
    for (const name of ["ann", "cy", "dee"]) others.push((await user(s.url, name)).client);
    const [ann, cy, dee] = others as [TestClient, TestClient, TestClient];
    await dm(ann, "bob", "hello bob");
    await dm(cy, "bob", "hi");
    await dm(dee, "bob", "@bob look");
    await dm(bob, "ann", "back to ann");
    const last = await dm(cy, "bob", "cy again");

    const first = await bob.call({ type: "conversations" });
    expect(first.conversations).toMatchObject([
      { user: "cy", unread: 2, mentions: 0, last: { id: last, from: "cy", text: "cy again" } },
      { user: "ann", unread: 1, mentions: 1, last: { from: "bob", to: "ann" } },
    ]);
    expect(typeof first.next).toBe("string");
    const second = await bob.call({ type: "conversations", cursor: first.next });
    expect(second.conversations).toMatchObject([{ user: "dee", unread: 1, mentions: 1 }]);
    expect(second.next).toBeUndefined();
    const one = await bob.call({ type: "conversations", limit: 1 });
    expect((one.conversations as unknown[]).length).toBe(1);

    // Marking a conversation read clears its count.
    await bob.call({ type: "read", user: "cy", upTo: last });
    const after = await bob.call({ type: "conversations", limit: 1 });
    expect(after.conversations).toMatchObject([{ user: "cy", unread: 0 }]);
  });

  test("a page of long last messages stops at its byte bound and says next", async () => {
    const s = await start(["--history-page-kib", "64"]);
    const { client: bob } = await user(s.url, "bob");
    const long = "é".repeat(4000); // 8,000 bytes of text, 4,000 characters
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const name = `p${String(i).padStart(2, "0")}`;
      names.unshift(name);
      await dm((await user(s.url, name)).client, "bob", long);
    }
    const seen: string[] = [];
    let cursor: unknown;
    for (let pages = 0; pages < 12; pages++) {
      const page = await bob.call({ type: "conversations", ...(cursor ? { cursor } : {}) });
      expect(new TextEncoder().encode(JSON.stringify(page)).length).toBeLessThanOrEqual(64 * 1024);
      const listed = page.conversations as { user: string }[];
      expect(listed.length).toBeGreaterThan(0);
      seen.push(...listed.map((c) => c.user));
      cursor = page.next;
      if (cursor === undefined) break;
    }
    expect(seen).toEqual(names);
  });

  test("a user's list holds only their own conversations", async () => {
    const s = await start();
    const { client: ann } = await user(s.url, "ann");
    const { client: bob } = await user(s.url, "bob");
    const { client: eve } = await user(s.url, "eve");
    await dm(ann, "bob", "private words");
    const secretId = await dm(bob, "ann", "more private words");
    const seen = await eve.call({ type: "conversations" });
    expect(seen.conversations).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain("private");
    // Someone else's message cannot be marked, whether or not the partner exists.
    const other = await eve.request({ type: "read", user: "ann", upTo: secretId });
    const ghost = await eve.request({ type: "read", user: "ghost", upTo: secretId });
    expect(other).toMatchObject({ code: "not_found" });
    expect(ghost.message).toBe(String(other.message).replace("ann", "ghost"));
    await dm(eve, "ann", "hi ann");
    const mine = await eve.call({ type: "conversations" });
    expect(mine.conversations).toMatchObject([{ user: "ann", unread: 0, mentions: 0 }]);
    expect(JSON.stringify(mine)).not.toContain("private");
  });
});
