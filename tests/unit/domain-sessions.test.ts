import { describe, expect, test } from "bun:test";
import type { SessionInfo } from "../../shared/protocol.ts";
import { LAST_USED_STEP_MS, SWEEP_EVERY_MS } from "../../server/domain/sessions.ts";
import type { PasswordHasher } from "../../server/domain/types.ts";
import { MemoryStore } from "../helpers/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { FAKE_PASSWORDS, type FakeConn, Harness } from "../helpers/domain.ts";
import { ALICE_LOGIN as login, tokenOf } from "../helpers/sessions.ts";

const DAY_MS = 86_400_000;

/** A memory store that remembers every op committed. */
class RecordingStore extends MemoryStore {
  ops: StoreOp[] = [];
  override async commit(ops: StoreOp[]): Promise<void> {
    this.ops.push(...structuredClone(ops));
    return super.commit(ops);
  }
}

async function sessionsOf(h: Harness, c: FakeConn): Promise<SessionInfo[]> {
  const reply = await h.call(c, { type: "sessions" });
  if (reply.type !== "sessions") throw new Error(`expected sessions, got ${reply.type}`);
  return reply.sessions;
}

describe("Sessions", () => {
  test("`sessions` lists created, last used, client, address and the current one, never the token", async () => {
    const h = new Harness();
    const a = h.conn("10.0.0.1");
    const t1 = tokenOf(
      await h.call(a, { ...login, type: "register", client: "chat 1.0 (linux)\u001b]0;x\u0007" }),
    );
    const b = h.conn("10.0.0.2");
    const t2 = tokenOf(await h.call(b, { ...login, client: "x".repeat(300) }));
    const list = await sessionsOf(h, b);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({
      address: "10.0.0.1",
      client: "chat 1.0 (linux)",
      current: false,
    });
    expect(list[1]).toMatchObject({ address: "10.0.0.2", current: true });
    expect(list[1]!.client).toHaveLength(64);
    expect(list[0]!.created).toBe(new Date(h.clock.now()).toISOString());
    expect(list[0]!.lastUsed).toBe(list[0]!.created);
    const text = JSON.stringify(list);
    for (const secret of [t1, t2, `hash(${t1})`, `hash(${t2})`]) expect(text).not.toContain(secret);
    expect(new Set(list.map((s) => s.id)).size).toBe(2);
  });

  test("revoke ends one session by id: its connections are logged out at once", async () => {
    const h = new Harness();
    const phone = h.conn();
    tokenOf(await h.call(phone, { ...login, type: "register", mode: "listen" }));
    const laptop = h.conn();
    await h.call(laptop, login);
    const phoneSession = (await sessionsOf(h, laptop)).find((s) => !s.current)!;
    const reply = await h.call(laptop, { type: "revoke", session: phoneSession.id });
    expect(reply).toMatchObject({ type: "revoked", count: 1 });
    expect(phone.events("error").at(-1)).toMatchObject({ code: "auth_required" });
    expect(phone.user).toBeNull();
    expect(await h.request(phone, { type: "rooms" })).toMatchObject({ code: "auth_required" });
    expect((await sessionsOf(h, laptop)).map((s) => s.current)).toEqual([true]);
    expect(await h.request(laptop, { type: "revoke", session: phoneSession.id })).toMatchObject({
      code: "not_found",
    });
  });

  test("revoke of all others keeps only the caller's; another user's ids are not found", async () => {
    const h = new Harness();
    const others = [await h.user("alice"), await h.login("alice"), await h.login("alice")];
    const me = await h.login("alice");
    const bob = await h.user("bob");
    const bobId = (await sessionsOf(h, bob))[0]!.id;
    expect(await h.request(me, { type: "revoke", session: bobId })).toMatchObject({
      code: "not_found",
    });
    expect(await h.call(me, { type: "revoke", allOthers: true })).toMatchObject({ count: 3 });
    for (const c of others) expect(c.user).toBeNull();
    expect(me.user).toBe("alice");
    expect(bob.user).toBe("bob");
    expect(await sessionsOf(h, me)).toHaveLength(1);
    expect((await h.store.load()).sessions.filter((s) => s.user === "alice")).toHaveLength(1);
  });

  test("passwd ends every other session unless told to keep them", async () => {
    const h = new Harness();
    const other = await h.user("alice");
    const me = await h.login("alice");
    await h.call(me, { type: "passwd", old: "password1", new: "password2", keepSessions: true });
    expect(other.user).toBe("alice");
    await h.call(me, { type: "passwd", old: "password2", new: "password3" });
    expect(other.user).toBeNull();
    expect(other.events("error").at(-1)).toMatchObject({ code: "auth_required" });
    expect(me.user).toBe("alice");
    expect(me.events("error")).toHaveLength(0);
    expect(await sessionsOf(h, me)).toHaveLength(1);
  });

  test("a login checked against the old password while passwd ran gets no session", async () => {
    let release: () => void = () => {};
    let isHolding = false;
    const passwords: PasswordHasher = {
      hash: FAKE_PASSWORDS.hash,
      verify: async (pw, hash) => {
        if (isHolding) {
          isHolding = false;
          await new Promise<void>((r) => (release = r));
        }
        return FAKE_PASSWORDS.verify(pw, hash);
      },
    };
    const h = new Harness({ passwords });
    const me = await h.user("alice");
    // The next check (the late login's) waits until passwd is done.
    isHolding = true;
    const late = h.request(h.conn(), login);
    await h.call(me, { type: "passwd", old: "password1", new: "password2" });
    release();
    expect(await late).toMatchObject({ type: "error", code: "auth_failed" });
    expect(await sessionsOf(h, me)).toHaveLength(1);
  });

  test("past the maximum per user the least recently used session ends", async () => {
    const h = new Harness({ sessions: { maxPerUser: 3, ttlMs: 90 * DAY_MS } });
    const t1 = tokenOf(await h.call(h.conn(), { ...login, type: "register" }));
    h.clock.advance(1000);
    const second = h.conn();
    await h.call(second, login);
    h.clock.advance(1000);
    await h.call(h.conn(), login);
    // The first is used again (after the step, so that it is stored): the second is now oldest.
    h.clock.advance(LAST_USED_STEP_MS);
    await h.call(h.conn(), { type: "auth", token: t1 });
    await h.call(h.conn(), login);
    expect(second.user).toBeNull();
    expect(second.events("error").at(-1)).toMatchObject({ code: "auth_required" });
    expect(await h.request(h.conn(), { type: "auth", token: t1 })).toMatchObject({
      type: "session",
    });
    expect((await h.store.load()).sessions).toHaveLength(3);
  });

  test("a session unused for the TTL expires; one in use does not; the sweep stores it", async () => {
    const store = new RecordingStore();
    const h = new Harness({ store, sessions: { maxPerUser: 50, ttlMs: 10 * DAY_MS } });
    const idle = tokenOf(await h.call(h.conn(), { ...login, type: "register" }));
    const busy = tokenOf(await h.call(h.conn(), login));
    for (let day = 0; day < 12; day++) {
      h.clock.advance(DAY_MS);
      await h.call(h.conn(), { type: "auth", token: busy });
    }
    expect(await h.request(h.conn(), { type: "auth", token: idle })).toMatchObject({
      code: "auth_failed",
    });
    expect(await h.request(h.conn(), { type: "auth", token: busy })).toMatchObject({
      type: "session",
    });
    await Bun.sleep(0);
    expect((await store.load()).sessions).toHaveLength(1);

    // Never authenticated again: removed by the sweep alone.
    const h2 = new Harness({ sessions: { maxPerUser: 50, ttlMs: 2 * DAY_MS } });
    await h2.user("bob");
    h2.clock.advance(2 * DAY_MS + SWEEP_EVERY_MS);
    await Bun.sleep(0);
    expect((await h2.store.load()).sessions).toHaveLength(0);
  });

  test("a login whose connection closed while the password was checked keeps no session", async () => {
    const h = new Harness();
    const me = await h.user("alice");
    const gone = h.conn();
    const pending = h.request(gone, login);
    gone.isOpen = false;
    expect(await pending).toMatchObject({ type: "error", code: "auth_required" });
    await Bun.sleep(0);
    expect(gone.user).toBeNull();
    expect(await sessionsOf(h, me)).toHaveLength(1);
    expect((await h.store.load()).sessions).toHaveLength(1);
  });

  test("sessions stored by an older version count as used at start-up, and can be revoked", async () => {
    const old = "2020-01-01T00:00:00.000Z";
    const snapshot = {
      users: [{ name: "alice", passwordHash: "pw(password1)", created: old }],
      sessions: [
        { tokenHash: "hash(oldtoken)", user: "alice", created: old },
        { tokenHash: "hash(unused)", user: "alice", created: old },
      ],
      rooms: [],
      history: {},
    };
    const store = new RecordingStore(snapshot);
    const h = new Harness({ snapshot, store, sessions: { maxPerUser: 50, ttlMs: 10 * DAY_MS } });
    await Bun.sleep(0);
    const now = new Date(h.clock.now()).toISOString();
    expect(store.ops).toEqual([
      { op: "session_used", tokenHash: "hash(oldtoken)", lastUsed: now },
      { op: "session_used", tokenHash: "hash(unused)", lastUsed: now },
    ]);
    const me = h.conn();
    expect(await h.request(me, { type: "auth", token: "oldtoken" })).toMatchObject({
      type: "session",
    });
    const listed = (await sessionsOf(h, me)).find((s) => s.current)!;
    expect(listed).toMatchObject({ created: old, lastUsed: now, client: "", address: "" });
    expect(await h.call(me, { type: "revoke", session: listed.id })).toMatchObject({ count: 1 });
    expect((await store.load()).sessions).toHaveLength(1);
    // The one never used again expires the TTL after start-up, not at once and not never.
    h.clock.advance(11 * DAY_MS);
    await Bun.sleep(0);
    expect((await store.load()).sessions).toHaveLength(0);
  });

  test("authenticating stores `last used` at most once per step, as one small line", async () => {
    const store = new RecordingStore();
    const h = new Harness({ store });
    const token = tokenOf(await h.call(h.conn(), { ...login, type: "register" }));
    store.ops.length = 0;
    for (let i = 0; i < 50; i++) {
      h.clock.advance(60_000);
      await h.call(h.conn(), { type: "auth", token });
    }
    await Bun.sleep(0);
    // 50 minutes: nothing due yet. Past the hour: one line.
    expect(store.ops).toHaveLength(0);
    h.clock.advance(LAST_USED_STEP_MS);
    for (let i = 0; i < 5; i++) await h.call(h.conn(), { type: "auth", token });
    await Bun.sleep(0);
    expect(store.ops.map((o) => o.op)).toEqual(["session_used"]);
    expect(JSON.stringify(store.ops[0]).length).toBeLessThan(200);
    const me = h.conn();
    await h.call(me, { type: "auth", token });
    expect((await sessionsOf(h, me))[0]!.lastUsed).toBe(new Date(h.clock.now()).toISOString());
  });
});
