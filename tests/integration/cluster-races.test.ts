/**
 * Two instances checking changes of the same records at the same moment: the order of the
 * one log decides, and a change its turn finds stale is made again on the newer state (or
 * refused), so every rule holds as on one server. Each race is run many times; before the
 * log checked what changes read, each broke its rule in a third to two thirds of the runs.
 */
import { describe, expect, test } from "bun:test";
import { useCluster } from "../helpers/cluster.ts";
import type { TestServer } from "../helpers/server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";

const cluster = useCluster({ timeoutMs: 60_000 });
const servers = cluster.servers;

/** The seq of the first event `alice` received that `match` accepts, or "" when none. */
function seqOf(frames: Frame[], match: (f: Frame) => boolean): string {
  return String(frames.find(match)?.seq ?? "");
}

describe("races between two instances", () => {
  test("an edit on one instance racing a deletion on the other never brings the text back", async () => {
    const { b, alice, bobToken } = await cluster.lobby();
    const bob = servers.track(await authed(b.url, bobToken, "interactive"));
    for (let i = 0; i < 30; i++) {
      const sent = await bob.call({ type: "send", room: "lobby", text: `original ${i}` });
      const id = (sent.message as { id: string }).id;
      await Promise.all([
        bob.request({ type: "amend", room: "lobby", messageId: id, text: `back ${i}` }),
        alice.request({ type: "delete", room: "lobby", messageId: id }),
      ]);
      const history = await alice.call({ type: "history", room: "lobby", limit: 1 });
      const [kept] = history.messages as { id: string; text: string; deleted?: true }[];
      expect(kept).toMatchObject({ id, text: "", deleted: true });
    }
    // Nobody was told of an edit after the deletion.
    const updates = alice.received.filter((f) => f.type === "message_update");
    for (const [at, u] of updates.entries()) {
      if (!u.deleted) continue;
      const later = updates.slice(at + 1).filter((v) => v.id === u.id && !v.deleted);
      expect(later).toEqual([]);
    }
  });

  test("a member kicked on one instance cannot edit or send on the other after the kick", async () => {
    const { b, alice, bobToken } = await cluster.lobby();
    const bob = servers.track(await authed(b.url, bobToken, "interactive"));
    for (let i = 0; i < 20; i++) {
      const sent = await bob.call({ type: "send", room: "lobby", text: `before ${i}` });
      const id = (sent.message as { id: string }).id;
      const [, edit, send] = await Promise.all([
        alice.request({ type: "kick", room: "lobby", user: "bob" }),
        bob.request({ type: "amend", room: "lobby", messageId: id, text: `edited ${i}` }),
        bob.request({ type: "send", room: "lobby", text: `after ${i}` }),
      ]);
      const kicked = seqOf(alice.received, (f) => f.event === "kicked" && f.seq !== undefined);
      const edited = seqOf(alice.received, (f) => f.type === "message_update" && f.id === id);
      if (edit.type !== "error") expect(edited < kicked).toBe(true);
      // A send that lost the race is refused as what it is, not as a storage failure.
      if (send.type === "error") expect(send.code).toBe("forbidden");
      alice.received.length = 0;
      await alice.call({ type: "invite", room: "lobby", user: "bob" });
      await bob.call({ type: "join", room: "lobby" });
    }
  });

  test("a join racing the admin closing and hiding the room never lands after it", async () => {
    const [a, b] = (await cluster.instances(2)) as [TestServer, TestServer];
    const alice = servers.track((await registered(a.url, "alice")).client);
    for (let i = 0; i < 25; i++) {
      const room = `r${i}`;
      await alice.call({ type: "create", room });
      const x = servers.track((await registered(b.url, `x${i}`)).client);
      const [, join] = await Promise.all([
        alice.request({ type: "edit", room, open: false, visible: false }),
        x.request({ type: "join", room }),
      ]);
      if (join.type === "error" || join.status === "pending") continue;
      const closed = seqOf(alice.received, (f) => f.type === "room_update" && inRoom(f, room));
      const joined = seqOf(alice.received, (f) => f.type === "member" && f.room === room);
      expect(joined < closed).toBe(true);
    }
  });

  test("a password changed on one instance while the old one logs in on the other leaves no session of it", async () => {
    const [a, b] = (await cluster.instances(2)) as [TestServer, TestServer];
    const password = (i: number) => `password-${i}`;
    const { client: alice } = await registered(a.url, "alice", "interactive", password(0));
    servers.track(alice);
    for (let i = 0; i < 25; i++) {
      const attacker = servers.track(await TestClient.connect(b.url));
      const [changed, login] = await Promise.all([
        alice.request({ type: "passwd", old: password(i), new: password(i + 1) }),
        attacker.request({ type: "login", user: "alice", password: password(i), mode: "oneshot" }),
      ]);
      expect(changed.type).toBe("ok");
      if (login.type !== "session") continue;
      // Logged in with the old password: the change of password ended that session.
      const probe = servers.track(await TestClient.connect(a.url));
      const again = await probe.request({ type: "auth", token: login.token, mode: "oneshot" });
      expect(again.type).toBe("error");
    }
  });

  test("64 users joining one room at once over two instances all get in: joins of different users do not collide", async () => {
    const [a, b] = (await cluster.instances(2)) as [TestServer, TestServer];
    const alice = servers.track((await registered(a.url, "alice")).client);
    await alice.call({ type: "create", room: "busy" });
    const users = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const { client } = await registered((i % 2 === 0 ? a : b).url, `u${i}`, "oneshot");
        return servers.track(client);
      }),
    );
    const joins = await Promise.all(users.map((u) => u.request({ type: "join", room: "busy" })));
    expect(joins.map((j) => (j.type === "error" ? j.code : j.status))).toEqual(
      Array(64).fill("joined"),
    );
    // Alice's instance applies the joins answered by the other one as it reads the log: all of
    // them are members there too within moments (the log's order, not the answers', is shared).
    const members = async (): Promise<unknown> => {
      const rooms = await alice.call({ type: "rooms" });
      return (rooms.rooms as { name: string; members: number }[])[0];
    };
    const deadline = Date.now() + 5000;
    let busy = await members();
    while ((busy as { members: number }).members < 65 && Date.now() < deadline) {
      await Bun.sleep(20);
      busy = await members();
    }
    expect(busy).toMatchObject({ name: "busy", members: 65 });
  });

  test("a room created on an instance that started later counts toward the day's quota", async () => {
    const quota = ["--max-rooms-created", "2"];
    const [a] = (await cluster.instances(1, ...quota)) as [TestServer];
    const alice = servers.track((await registered(a.url, "alice")).client);
    await alice.call({ type: "create", room: "first" });
    await alice.call({ type: "create", room: "second" });
    const c = await cluster.instance({ args: quota });
    const onC = servers.track(await TestClient.connect(c.url));
    await onC.call({ type: "login", user: "alice", password: "password1", mode: "oneshot" });
    const third = await onC.request({ type: "create", room: "third" });
    expect(third.type).toBe("error");
    expect(third.code).toBe("rate_limited");
  });
});

function inRoom(f: Frame, room: string): boolean {
  return (f.room as { name?: string } | undefined)?.name === room;
}
