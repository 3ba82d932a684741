import { describe, expect, test } from "bun:test";
import { emptySnapshot } from "../../server/store/store.ts";
import { replayed } from "../helpers/memory-store.ts";
import { parseJournal } from "../../server/store/journal.ts";
import type { RoomRecord, Snapshot, StoreOp } from "../../server/store/store.ts";
import { isStoreOp } from "../../server/store/validate.ts";
import { roomRecord } from "../helpers/records.ts";

function room(name: string, members = ["ann"], pending: string[] = []): RoomRecord {
  return roomRecord(name, { members, pending });
}

const member = (user: string, present: boolean, r = "lobby"): StoreOp => ({
  op: "member",
  room: r,
  user,
  present,
});
const pending = (user: string, present: boolean, r = "lobby"): StoreOp => ({
  op: "pending",
  room: r,
  user,
  present,
});

// The state a server loads from `s` and a journal of `ops` (each op replayed by the domain).
function applyAll(s: Snapshot, ops: StoreOp[]): Snapshot {
  return replayed(ops, 10, s);
}

function withLobby(...rooms: RoomRecord[]): Snapshot {
  return { ...emptySnapshot(), rooms: rooms.length ? rooms : [room("lobby")] };
}

const sorted = (list: string[]) => [...list].sort();

describe("member and pending ops", () => {
  test("member adds and removes one user, leaving the rest of the room alone", () => {
    let s = applyAll(withLobby(room("lobby"), room("other")), [
      member("bob", true),
      member("cat", true),
      member("bob", false),
    ]);
    const lobby = s.rooms.find((r) => r.name === "lobby")!;
    expect(sorted(lobby.members)).toEqual(["ann", "cat"]);
    expect(lobby.topic).toBe("");
    expect(s.rooms.find((r) => r.name === "other")!.members).toEqual(["ann"]);
  });

  test("pending adds and drops a request without touching members", () => {
    let s = applyAll(withLobby(), [pending("bob", true), pending("cat", true)]);
    expect(sorted(s.rooms[0]!.pending)).toEqual(["bob", "cat"]);
    s = applyAll(s, [pending("bob", false), member("bob", true)]);
    expect(s.rooms[0]!.pending).toEqual(["cat"]);
    expect(sorted(s.rooms[0]!.members)).toEqual(["ann", "bob"]);
  });

  test("replaying the same ops again gives the same state", () => {
    const ops = [
      member("bob", true),
      pending("cat", true),
      member("dan", true),
      member("bob", false),
      pending("cat", false),
      member("cat", true),
    ];
    let once = applyAll(withLobby(), ops);
    const twice = applyAll(applyAll(withLobby(), ops), ops);
    expect(sorted(twice.rooms[0]!.members)).toEqual(sorted(once.rooms[0]!.members));
    expect(sorted(once.rooms[0]!.members)).toEqual(["ann", "cat", "dan"]);
    expect(twice.rooms[0]!.pending).toEqual([]);
    // Adding a member twice keeps one entry; removing an absent one changes nothing.
    once = applyAll(once, [member("dan", true), member("zed", false), pending("zed", false)]);
    expect(sorted(once.rooms[0]!.members)).toEqual(["ann", "cat", "dan"]);
  });

  test("a later room op replaces the lists, and member ops after it apply to the new ones", () => {
    const s = applyAll(withLobby(), [
      member("bob", true),
      { op: "room", room: room("lobby", ["ann", "eve"], ["fay"]) },
      member("gus", true),
      pending("fay", false),
    ]);
    expect(sorted(s.rooms[0]!.members)).toEqual(["ann", "eve", "gus"]);
    expect(s.rooms[0]!.pending).toEqual([]);
  });

  test("an op for a room that does not exist changes nothing", () => {
    const s = applyAll(withLobby(), [member("bob", true, "nowhere"), pending("bob", true, "x")]);
    expect(s.rooms).toEqual([{ ...room("lobby"), banned: [], invited: [] }]);
  });

  test("a room loaded with a name twice in its list keeps one, and removing it removes it", () => {
    let s = applyAll(withLobby(room("lobby", ["ann", "bob", "bob"])), [member("cat", true)]);
    expect(sorted(s.rooms[0]!.members)).toEqual(["ann", "bob", "cat"]);
    s = applyAll(s, [member("bob", false)]);
    expect(sorted(s.rooms[0]!.members)).toEqual(["ann", "cat"]);
  });

  test("many joins and leaves end with exactly the users whose last op was a join", () => {
    const ops: StoreOp[] = [];
    const expected = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const user = `u${(i * 7919) % 1000}`;
      const present = i % 3 !== 0;
      ops.push(member(user, present));
      if (present) expected.add(user);
      else expected.delete(user);
    }
    const s = applyAll(withLobby(room("lobby", [])), ops);
    expect(sorted(s.rooms[0]!.members)).toEqual(sorted([...expected]));
  });

  test("users and sessions are still upserted by key and sessions deleted", () => {
    let s = emptySnapshot();
    const u = (name: string, passwordHash: string) => ({
      op: "user" as const,
      user: { name, passwordHash, created: "x" },
    });
    const session = (tokenHash: string) => ({
      op: "session" as const,
      session: { tokenHash, user: "ann", created: "x" },
    });
    s = applyAll(s, [u("ann", "a"), u("bob", "b"), u("ann", "c"), session("t1"), session("t2")]);
    s = applyAll(s, [{ op: "session_del", tokenHash: "t1" }, session("t3"), session("t2")]);
    expect(s.users.map((x) => [x.name, x.passwordHash])).toEqual([
      ["ann", "c"],
      ["bob", "b"],
    ]);
    expect(sorted(s.sessions.map((x) => x.tokenHash))).toEqual(["t2", "t3"]);
  });
});

describe("member and pending ops in the journal", () => {
  const HEADER = '{"journal":"g1"}\n';
  const PATH = "/data/journal.jsonl";

  test("well-formed lines are read back as ops", () => {
    const lines = [member("bob", true), pending("cat", false)].map((op) => JSON.stringify(op));
    const read = parseJournal(PATH, Buffer.from(`${HEADER}${lines.join("\n")}\n`));
    expect(read.entries.map((e) => e.op)).toEqual([member("bob", true), pending("cat", false)]);
  });

  test.each([
    ['{"op":"member","room":"lobby","user":"bob"}', "no present"],
    ['{"op":"member","room":"lobby","user":"bob","present":"yes"}', "present not a boolean"],
    ['{"op":"pending","room":"lobby","present":true}', "no user"],
    ['{"op":"pending","room":7,"user":"bob","present":true}', "room not a string"],
    ['{"op":"member","user":"bob","present":false}', "no room"],
  ])("a bad line %s (%s) is refused, naming the journal and the line", (line) => {
    expect(isStoreOp(JSON.parse(line))).toBe(false);
    const ok = JSON.stringify(member("bob", true));
    expect(() => parseJournal(PATH, Buffer.from(`${HEADER}${line}\n${ok}\n`))).toThrow(
      `${PATH}: line 2`,
    );
  });
});
