import { describe, expect, test } from "bun:test";
import { Harness } from "../helpers/domain.ts";

describe("Accounts", () => {
  test("register creates a session whose token resumes on another connection", async () => {
    const h = new Harness();
    const c = h.conn();
    const reply = await h.call(c, { type: "register", user: "Alice", password: "password1" });
    expect(reply).toMatchObject({ type: "session", user: "alice" });
    const token = (reply as { token: string }).token;
    const other = h.conn();
    expect(await h.call(other, { type: "auth", token })).toMatchObject({ user: "alice" });
    // Only the hash of the token is stored.
    const snap = await h.store.load();
    expect(JSON.stringify(snap)).not.toContain(`"${token}"`);
    expect(JSON.stringify(snap)).not.toContain('password1"');
  });

  test("invalid names, short passwords and taken names are refused", async () => {
    const h = new Harness();
    const c = h.conn();
    const bad = await h.request(c, { type: "register", user: "-x", password: "password1" });
    expect(bad).toMatchObject({ type: "error", code: "bad_request" });
    const short = await h.request(c, { type: "register", user: "bob", password: "short" });
    expect(short).toMatchObject({ type: "error", code: "bad_request" });
    await h.user("bob");
    const taken = await h.request(h.conn(), {
      type: "register",
      user: "BOB",
      password: "password1",
    });
    expect(taken).toMatchObject({ type: "error", code: "conflict" });
  });

  test("a wrong password or token is auth_failed; requests before auth are auth_required", async () => {
    const h = new Harness();
    await h.user("alice");
    const c = h.conn();
    const wrong = await h.request(c, { type: "login", user: "alice", password: "nope-nope" });
    expect(wrong).toMatchObject({ code: "auth_failed", message: "wrong user name or password" });
    const nobody = await h.request(c, { type: "login", user: "nobody", password: "password1" });
    expect(nobody).toMatchObject({ code: "auth_failed", message: "wrong user name or password" });
    expect(await h.request(c, { type: "auth", token: "made-up" })).toMatchObject({
      code: "auth_failed",
    });
    expect(await h.request(c, { type: "rooms" })).toMatchObject({ code: "auth_required" });
  });

  test("logout revokes the token and the connection is no longer authenticated", async () => {
    const h = new Harness();
    const c = h.conn();
    const s = await h.call(c, { type: "register", user: "alice", password: "password1" });
    await h.call(c, { type: "logout" });
    expect(await h.request(c, { type: "rooms" })).toMatchObject({ code: "auth_required" });
    const token = (s as { token: string }).token;
    expect(await h.request(h.conn(), { type: "auth", token })).toMatchObject({
      code: "auth_failed",
    });
  });

  test("passwd needs the old password and changes the one login accepts", async () => {
    const h = new Harness();
    const c = await h.user("alice");
    const wrong = await h.request(c, { type: "passwd", old: "bad-old-pw", new: "newpassword" });
    expect(wrong).toMatchObject({ code: "auth_failed" });
    await h.call(c, { type: "passwd", old: "password1", new: "newpassword" });
    const old = await h.request(h.conn(), { type: "login", user: "alice", password: "password1" });
    expect(old).toMatchObject({ code: "auth_failed" });
    await h.call(h.conn(), { type: "login", user: "alice", password: "newpassword" });
  });

  test("failed logins are limited per user name: burst 5, then about one per 10 s", async () => {
    const h = new Harness({ isRateLimited: true });
    await h.user("alice");
    for (let i = 0; i < 5; i++) {
      const c = h.conn(`10.0.0.${i + 10}`);
      expect(
        await h.request(c, { type: "login", user: "alice", password: "wrongpass" }),
      ).toMatchObject({
        code: "auth_failed",
      });
    }
    const c = h.conn("10.0.0.99");
    const limited = await h.request(c, { type: "login", user: "alice", password: "password1" });
    expect(limited).toMatchObject({ code: "rate_limited" });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    h.clock.advance(10_000);
    await h.call(c, { type: "login", user: "alice", password: "password1" });
  });

  test("registrations are limited per address: burst 10", async () => {
    const h = new Harness({ isRateLimited: true });
    for (let i = 0; i < 10; i++) {
      await h.call(h.conn("10.1.1.1"), { type: "register", user: `u${i}`, password: "password1" });
    }
    const reply = await h.request(h.conn("10.1.1.1"), {
      type: "register",
      user: "u10",
      password: "password1",
    });
    expect(reply).toMatchObject({ code: "rate_limited" });
    await h.call(h.conn("10.1.1.2"), { type: "register", user: "u10", password: "password1" });
  });
});
