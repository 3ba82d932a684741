import { describe, expect, test } from "bun:test";
import type { ServerMessage, SessionInfo } from "../../shared/protocol.ts";
import { defaultHashConcurrency, HashQueue } from "../../server/domain/hash-queue.ts";
import { LAST_USED_STEP_MS, SWEEP_EVERY_MS } from "../../server/domain/sessions.ts";
import type { PasswordHasher } from "../../server/domain/types.ts";
import { MemoryStore } from "../../server/store/memory-store.ts";
import type { StoreOp } from "../../server/store/store.ts";
import { FAKE_PASSWORDS, type FakeConn, Harness } from "../helpers/domain.ts";

const DAY_MS = 86_400_000;

/** The fake hasher, counting what it is asked. */
class CountingPasswords implements PasswordHasher {
  hashes = 0;
  verified: string[] = [];
  async hash(pw: string): Promise<string> {
    this.hashes++;
    return FAKE_PASSWORDS.hash(pw);
  }
  async verify(pw: string, hash: string): Promise<boolean> {
    this.verified.push(hash);
    return FAKE_PASSWORDS.verify(pw, hash);
  }
}

/** A memory store that remembers every op committed. */
class RecordingStore extends MemoryStore {
  ops: StoreOp[] = [];
  override async commit(ops: StoreOp[]): Promise<void> {
    this.ops.push(...structuredClone(ops));
    return super.commit(ops);
  }
}

/** A hasher whose hashes wait until `finish`, counting the most that ran at once. */
function heldHasher() {
  let running = 0;
  const held = {
    most: 0,
    release: [] as (() => void)[],
    hasher: {
      hash: async (pw: string) => {
        running++;
        held.most = Math.max(held.most, running);
        await new Promise<void>((r) => held.release.push(r));
        running--;
        return `pw(${pw})`;
      },
      verify: async () => true,
    } satisfies PasswordHasher,
    /** Let every held hash finish, one a turn, until `queue` runs none. */
    async finish(queue: HashQueue): Promise<void> {
      while (held.release.length > 0 || queue.running > 0) {
        held.release.shift()?.();
        await Bun.sleep(0);
      }
    },
  };
  return held;
}

function tokenOf(reply: ServerMessage): string {
  if (reply.type !== "session") throw new Error(`expected a session, got ${reply.type}`);
  return reply.token;
}

async function sessionsOf(h: Harness, c: FakeConn): Promise<SessionInfo[]> {
  const reply = await h.call(c, { type: "sessions" });
  if (reply.type !== "sessions") throw new Error(`expected sessions, got ${reply.type}`);
  return reply.sessions;
}

const login = { type: "login", user: "alice", password: "password1" };

describe("Token and password limits", () => {
  test("bad tokens from an address lock out neither a valid token nor a right password", async () => {
    const h = new Harness({ isRateLimited: true });
    const token = tokenOf(await h.call(h.conn("10.0.0.9"), { ...login, type: "register" }));
    const attacker = h.conn("10.0.0.1");
    const replies = [];
    for (let i = 0; i < 8; i++)
      replies.push(await h.request(attacker, { type: "auth", token: `x${i}` }));
    expect(replies.slice(0, 5).map((r) => r.type === "error" && r.code)).toEqual(
      Array(5).fill("auth_failed"),
    );
    expect(replies.at(-1)).toMatchObject({ code: "rate_limited" });
    expect(await h.request(h.conn("10.0.0.1"), { type: "auth", token })).toMatchObject({
      type: "session",
      user: "alice",
    });
    expect(await h.request(h.conn("10.0.0.1"), login)).toMatchObject({ type: "session" });
  });

  test("wrong passwords from an address do not lock out a valid token", async () => {
    const h = new Harness({ isRateLimited: true });
    const token = tokenOf(await h.call(h.conn("10.0.0.9"), { ...login, type: "register" }));
    const guesser = h.conn("10.0.0.1");
    for (let i = 0; i < 7; i++) await h.request(guesser, { ...login, password: `wrong-${i}xx` });
    expect(await h.request(guesser, login)).toMatchObject({ code: "rate_limited" });
    expect(await h.request(h.conn("10.0.0.1"), { type: "auth", token })).toMatchObject({
      type: "session",
    });
  });

  test("one address guessing one name keeps its other names; guessing many meets the address's bucket", async () => {
    const h = new Harness({ isRateLimited: true });
    await h.call(h.conn("10.0.0.9"), { ...login, type: "register" });
    await h.call(h.conn("10.0.0.8"), { type: "register", user: "bob", password: "password1" });
    const bobLogin = { type: "login", user: "bob", password: "password1" };
    const guesses = [];
    for (let i = 0; i < 8; i++)
      guesses.push(await h.request(h.conn("10.0.0.1"), { ...login, password: `wrong-${i}xx` }));
    expect(guesses.map((r) => (r.type === "error" ? r.code : r.type))).toEqual([
      ...Array(5).fill("auth_failed"),
      ...Array(3).fill("rate_limited"),
    ]);
    // Bob, behind the same address (a proxy, a NAT), still logs in.
    expect(await h.request(h.conn("10.0.0.1"), bobLogin)).toMatchObject({ type: "session" });

    // One wrong password for each of 20 names from one address, then the address is limited.
    const sprayed = [];
    for (let i = 0; i < 21; i++) {
      const guess = { type: "login", user: `name${i}`, password: "password1" };
      sprayed.push(await h.request(h.conn("10.0.0.3"), guess));
    }
    expect(sprayed.slice(0, 20).every((r) => r.type === "error" && r.code === "auth_failed")).toBe(
      true,
    );
    expect(sprayed[20]).toMatchObject({ code: "rate_limited" });
    expect(sprayed[20]?.type === "error" && sprayed[20].message).toContain("from this address");
    expect(await h.request(h.conn("10.0.0.3"), bobLogin)).toMatchObject({ code: "rate_limited" });
    h.clock.advance(3_000);
    expect(await h.request(h.conn("10.0.0.3"), bobLogin)).toMatchObject({ type: "session" });
  });

  test("40 concurrent wrong passwords: the burst is checked, the rest refused before hashing", async () => {
    const passwords = new CountingPasswords();
    const h = new Harness({ isRateLimited: true, passwords });
    await h.call(h.conn("10.0.0.9"), { ...login, type: "register" });
    passwords.verified.length = 0;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.request(h.conn("10.0.0.1"), { ...login, password: `guess-${i}xx` }),
      ),
    );
    const codes = replies.map((r) => (r.type === "error" ? r.code : r.type));
    expect(codes.filter((c) => c === "auth_failed")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(35);
    expect(passwords.verified).toHaveLength(5);
    // The wait stated is the documented one (one more try per 10 s), not minutes.
    const waits = replies.map((r) => (r.type === "error" ? (r.retryAfterMs ?? 0) : 0));
    const longest = Math.max(...waits);
    expect(longest).toBeLessThanOrEqual(10_000);
    expect(await h.request(h.conn("10.0.0.1"), login)).toMatchObject({ code: "rate_limited" });
    h.clock.advance(longest);
    expect(await h.request(h.conn("10.0.0.1"), login)).toMatchObject({ type: "session" });
  });

  test("a right password gives its failure token back: logins in a row are not failures", async () => {
    const h = new Harness({
      isRateLimited: true,
      limits: { accountByUser: { burst: 50, perSecond: 1 } },
    });
    await h.user("alice");
    for (let i = 0; i < 8; i++) {
      expect(await h.request(h.conn(), login)).toMatchObject({ type: "session" });
    }
  });

  test("successful logins and password changes are limited per user and per address", async () => {
    const h = new Harness({ isRateLimited: true });
    await h.call(h.conn("10.0.0.9"), { ...login, type: "register" });
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await h.request(h.conn("10.0.0.2"), login);
      codes.push(r.type === "error" ? r.code : r.type);
    }
    // Registering took one of alice's 10; nine logins pass, then she is limited.
    expect(codes.slice(0, 9)).toEqual(Array(9).fill("session"));
    expect(codes.slice(9)).toEqual(Array(3).fill("rate_limited"));
    // Another user at that address is not held back by alice's bucket.
    await h.call(h.conn("10.0.0.2"), { type: "register", user: "bob", password: "password1" });

    const h2 = new Harness({ isRateLimited: true });
    const carol = await h2.user("carol");
    const changes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const change = { type: "passwd", old: "password1", new: "password1", keepSessions: true };
      const r = await h2.request(carol, change);
      changes.push(r.type === "error" ? r.code : r.type);
    }
    expect(changes).toEqual([...Array(9).fill("ok"), ...Array(3).fill("rate_limited")]);
  });

  test("register of a taken name while limited answers rate_limited, not conflict", async () => {
    const h = new Harness({ isRateLimited: true });
    await h.user("taken");
    for (let i = 0; i < 9; i++) await h.user(`u${i}`);
    const taken = await h.request(h.conn(), {
      type: "register",
      user: "taken",
      password: "password1",
    });
    const free = await h.request(h.conn(), {
      type: "register",
      user: "free",
      password: "password1",
    });
    expect(taken).toMatchObject({ code: "rate_limited" });
    expect(free).toMatchObject({ code: "rate_limited" });
    expect(taken.type === "error" && taken.message).toBe(free.type === "error" && free.message);
  });

  test("a login for a name with no account checks a hash of the same kind as a real one", async () => {
    const passwords = new CountingPasswords();
    const h = new Harness({ passwords });
    await h.user("alice");
    passwords.verified.length = 0;
    await h.request(h.conn(), { type: "login", user: "nobody", password: "password1" });
    await h.request(h.conn(), { type: "login", user: "-bad name-", password: "password1" });
    await h.request(h.conn(), { ...login, password: "wrong-one" });
    expect(passwords.verified).toHaveLength(3);
    // Each was a hash made by the same hasher (so of the same cost), never skipped.
    for (const hash of passwords.verified) expect(hash.startsWith("pw(")).toBe(true);
  });
});

describe("Password hash queue", () => {
  test("runs no more hashes at once than its slots, and refuses past its waiting bound", async () => {
    const slow = heldHasher();
    const queue = new HashQueue(slow.hasher, { concurrency: 2, maxWaiting: 3 });
    const all = Array.from({ length: 8 }, (_, i) =>
      queue.hash(`p${i}`).then(
        (v) => v,
        (err: { code?: string }) => `refused:${err.code}`,
      ),
    );
    await Bun.sleep(0);
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(3);
    await slow.finish(queue);
    const results = await Promise.all(all);
    expect(slow.most).toBe(2);
    expect(results.filter((r) => r.startsWith("pw("))).toHaveLength(5);
    expect(results.filter((r) => r === "refused:rate_limited")).toHaveLength(3);
  });

  test("by default one core is left to the event loop, and one core hashes one password at a time", async () => {
    expect(defaultHashConcurrency(1)).toBe(1);
    expect(defaultHashConcurrency(2)).toBe(1);
    expect(defaultHashConcurrency(8)).toBe(7);
    const slow = heldHasher();
    const queue = new HashQueue(slow.hasher, {
      concurrency: defaultHashConcurrency(2),
      maxWaiting: 2,
    });
    const all = Array.from({ length: 4 }, (_, i) =>
      queue.hash(`p${i}`).then(
        (v) => v,
        (err: { code?: string }) => `refused:${err.code}`,
      ),
    );
    await Bun.sleep(0);
    expect(queue.running).toBe(1);
    expect(queue.waiting).toBe(2);
    await slow.finish(queue);
    expect(slow.most).toBe(1);
    expect(await Promise.all(all)).toEqual(["pw(p0)", "pw(p1)", "pw(p2)", "refused:rate_limited"]);
  });
});

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
