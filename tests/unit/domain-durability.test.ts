import { describe, expect, test } from "bun:test";
import { toRecord } from "../../server/domain/state.ts";
import { MemoryStore } from "../helpers/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

/** A memory store whose disk can fill up: commits are refused while `isFull`. */
class FullableStore extends MemoryStore {
  isFull = false;
  refused = 0;

  override async commit(ops: StoreOp[]): Promise<void> {
    if (this.isFull) {
      this.refused++;
      throw new Error("ENOSPC: no space left on device");
    }
    return super.commit(ops);
  }
}

interface World {
  h: Harness;
  store: FullableStore;
  conns: Record<"alice" | "bob" | "carol" | "erin" | "anon", FakeConn>;
}

// alice: admin of open room "open" (bob a member) and of closed room "club" (carol pending,
// then gone offline); dave: offline; erin: online, in no room; anon: not logged in.
async function world(): Promise<World> {
  const store = new FullableStore(undefined, 200);
  const h = new Harness({ store });
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  const carol = await h.user("carol");
  const dave = await h.user("dave");
  const erin = await h.user("erin");
  await h.call(alice, { type: "create", room: "open", topic: "t" });
  await h.call(alice, { type: "create", room: "club", open: false });
  await h.call(bob, { type: "join", room: "open" });
  await h.call(carol, { type: "join", room: "club" });
  await h.call(alice, { type: "send", room: "open", text: "hello" });
  h.close(carol);
  h.close(dave);
  return { h, store, conns: { alice, bob, carol, erin, anon: h.conn() } };
}

/** Everything a user could observe of the domain's memory, deep-copied. */
function memory(h: Harness): unknown {
  const s = h.chat.deps.state;
  return structuredClone({
    users: [...s.users.values()],
    sessions: [...s.sessions.values()],
    rooms: [...s.rooms.values()].map(toRecord),
    roomsOf: [...s.roomsOf].map(([user, rooms]) => [user, [...rooms].sort()]),
    history: ["room:open", "room:club", "room:new", "dm:alice:dave", "dm:alice:bob"].map((k) =>
      s.history.page(k),
    ),
    topics: [...h.hub.conns].map((c) => [c.id, c.user, c.tokenHash, [...c.topics].sort()]),
  });
}

type Who = keyof World["conns"];
const CHANGES: [string, Who, Record<string, unknown>][] = [
  ["create", "alice", { type: "create", room: "new" }],
  ["edit", "alice", { type: "edit", room: "open", topic: "changed", open: false }],
  ["join an open room", "erin", { type: "join", room: "open" }],
  ["join a closed room", "erin", { type: "join", room: "club" }],
  ["approve", "alice", { type: "approve", room: "club", user: "carol" }],
  ["deny", "alice", { type: "deny", room: "club", user: "carol" }],
  ["kick", "alice", { type: "kick", room: "open", user: "bob" }],
  ["leave", "bob", { type: "leave", room: "open" }],
  ["withdraw a request", "carol", { type: "leave", room: "club" }],
  ["shutdown", "alice", { type: "shutdown", room: "open" }],
  ["register", "anon", { type: "register", user: "frank", password: "password1" }],
  ["login", "anon", { type: "login", user: "dave", password: "password1" }],
  ["passwd", "alice", { type: "passwd", old: "password1", new: "password2" }],
  ["logout", "bob", { type: "logout" }],
  ["send", "alice", { type: "send", room: "open", text: "hi" }],
  ["dm to an online user", "alice", { type: "dm", to: "bob", text: "hi" }],
  ["dm to an offline user", "alice", { type: "dm", to: "dave", text: "hi" }],
];

describe("A change the store refuses", () => {
  for (const [what, who, msg] of CHANGES) {
    test(`${what}: answered internal, nothing changes in memory or on disk, no one is told`, async () => {
      const { h, store, conns } = await world();
      const conn = who === "carol" ? await h.login("carol", "oneshot") : conns[who];
      const before = memory(h);
      const disk = await store.load();
      const seen = [...h.hub.conns].map((c) => c.received.length);
      const published = h.hub.published.length;

      store.isFull = true;
      expect(await h.request(conn, msg)).toMatchObject({ type: "error", code: "internal" });
      expect(store.refused).toBeGreaterThan(0);
      expect(memory(h)).toEqual(before);
      expect(await store.load()).toEqual(disk);
      expect(h.hub.published.length).toBe(published);
      expect([...h.hub.conns].map((c) => c.received.length)).toEqual(seen);

      // The same request goes through once the disk has room again: it was a valid change.
      store.isFull = false;
      expect((await h.request(conn, msg)).type).not.toBe("error");
      expect(memory(h)).not.toEqual(before);
    });
  }
});

describe("Changes of one record", () => {
  test("concurrent joins of one room are all kept, in memory and on disk", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    await h.call(alice, { type: "create", room: "r" });
    const others = await Promise.all(["b1", "b2", "b3", "b4"].map((u) => h.user(u)));
    await Promise.all(others.map((c) => h.call(c, { type: "join", room: "r" })));
    const members = ["alice", "b1", "b2", "b3", "b4"];
    expect([...h.chat.deps.state.rooms.get("r")!.members].sort()).toEqual(members);
    const stored = (await h.store.load()).rooms.find((r) => r.name === "r")!;
    expect([...stored.members].sort()).toEqual(members);
  });

  test("two registrations of one name: one account, the other conflict", async () => {
    const h = new Harness();
    const replies = await Promise.all(
      [h.conn(), h.conn()].map((c) =>
        h.request(c, { type: "register", user: "sam", password: "password" + c.id }),
      ),
    );
    expect(replies.map((r) => r.type).sort()).toEqual(["error", "session"]);
    expect((await h.store.load()).users.map((u) => u.name)).toEqual(["sam"]);
  });
});
