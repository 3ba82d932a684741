import { describe, expect, test } from "bun:test";
import type { PasswordHasher } from "../../server/domain/types.ts";
import { FAKE_PASSWORDS, Harness } from "../helpers/domain.ts";
import { ALICE_LOGIN as login, tokenOf } from "../helpers/sessions.ts";

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
