/**
 * Rate limits (SPEC 2.5) on a server started with them on: messages per user across all
 * connections, requests per connection, failed logins, registrations from one address.
 * Every refusal is `rate_limited` with `retryAfterMs`.
 */
import { describe, expect, test } from "bun:test";
import { loggedIn, registered, Wire, type Received } from "../fuzz/wire.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

function limitedServer(): Promise<TestServer> {
  return run.start({ args: ["--rate-limit"] });
}

/** Send `n` requests at once (pipelined) and wait for every reply. */
function burst(wire: Wire, n: number, make: (i: number) => Record<string, unknown>) {
  return Promise.all(Array.from({ length: n }, (_, i) => wire.request(make(i))));
}

function refusals(replies: Received[]): Received[] {
  return replies.filter((r) => r.type === "error");
}

function expectRateLimited(reply: Received | undefined, maxWaitMs: number): void {
  expect(reply?.type).toBe("error");
  expect(reply?.code).toBe("rate_limited");
  expect(reply?.retryAfterMs).toBeGreaterThan(0);
  expect(reply?.retryAfterMs).toBeLessThanOrEqual(maxWaitMs);
}

describe("Message rate limit", () => {
  test("a burst past the limit is refused with retryAfterMs, and allowed again after it", async () => {
    const { url } = await limitedServer();
    const alice = await registered(url, "alice");
    await alice.ok({ type: "create", room: "lobby" });
    const replies = await burst(alice, 40, (i) => ({ type: "send", room: "lobby", text: `m${i}` }));
    const refused = refusals(replies);
    // Burst 20 at about 10/s: some refills may land while the burst is read, never 40.
    expect(replies.length - refused.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeGreaterThan(10);
    for (const r of refused) expectRateLimited(r, 1000);
    // Nothing refused was stored.
    const history = await alice.ok({ type: "history", room: "lobby" });
    expect((history.messages as unknown[]).length).toBe(replies.length - refused.length);
    await Bun.sleep(Number(refused.at(-1)!.retryAfterMs));
    expect((await alice.request({ type: "send", room: "lobby", text: "later" })).type).toBe("sent");
    await alice.close();
  });

  test("the limit is per user across all their connections, not per connection", async () => {
    const { url } = await limitedServer();
    const alice1 = await registered(url, "alice");
    const alice2 = await loggedIn(url, "alice");
    const alice3 = await loggedIn(url, "alice");
    const bob = await registered(url, "bob");
    await alice1.ok({ type: "create", room: "lobby" });
    await bob.ok({ type: "join", room: "lobby" });
    const send = (i: number) => ({ type: "send", room: "lobby", text: `m${i}` });
    const all = (await Promise.all([alice1, alice2, alice3].map((w) => burst(w, 15, send)))).flat();
    const accepted = all.length - refusals(all).length;
    // 45 sent over three connections: one user's bucket (burst 20) lets about 20 through.
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThan(30);
    for (const r of refusals(all)) expectRateLimited(r, 1000);
    // Another user is not held back by alice's limit.
    expect((await bob.request({ type: "send", room: "lobby", text: "bob" })).type).toBe("sent");
    for (const w of [alice1, alice2, alice3, bob]) await w.close();
  });

  test("a DM counts against the same limit", async () => {
    const { url } = await limitedServer();
    const alice = await registered(url, "alice");
    await registered(url, "bob");
    const replies = await burst(alice, 30, (i) => ({ type: "dm", to: "bob", text: `d${i}` }));
    expect(refusals(replies).length).toBeGreaterThan(5);
    for (const r of refusals(replies)) expectRateLimited(r, 1000);
    await alice.close();
  });
});

describe("Request flood per connection", () => {
  test("a connection flooding requests gets rate_limited and stays open; others are not held back", async () => {
    const { url } = await limitedServer();
    const flooder = await Wire.open(url);
    const calm = await Wire.open(url);
    const replies = await burst(flooder, 1000, () => ({ type: "ping" }));
    const refused = refusals(replies);
    // A burst of 200 at 50/s: the first 200 are answered, most of the rest refused.
    expect(replies.length - refused.length).toBeGreaterThanOrEqual(200);
    expect(refused.length).toBeGreaterThan(500);
    for (const r of refused) expectRateLimited(r, 1000);
    expect(flooder.isClosed).toBe(false);
    expect((await calm.request({ type: "ping" })).type).toBe("pong");
    await Bun.sleep(Number(refused.at(-1)!.retryAfterMs));
    expect((await flooder.request({ type: "ping" })).type).toBe("pong");
    await flooder.close();
    await calm.close();
  });
});

describe("Malformed-frame flood per connection", () => {
  test("past 20 malformed frames a connection is closed with 4029, each answered before", async () => {
    const { url } = await limitedServer();
    const wire = await Wire.open(url);
    for (let i = 0; i < 100 && !wire.isClosed; i++) wire.ws.send("{not json");
    const closed = await wire.closed;
    expect(closed.code).toBe(4029);
    const errors = wire.received.filter((m) => m.type === "error");
    expect(errors.length).toBeGreaterThanOrEqual(20);
    expect(errors.every((m) => m.code === "bad_request")).toBe(true);
  });
});

describe("Login limits", () => {
  test("after 5 failed logins the next is refused with retryAfterMs, even with the right password", async () => {
    const { url } = await limitedServer();
    (await registered(url, "alice")).close();
    const wire = await Wire.open(url);
    for (let i = 0; i < 5; i++) {
      const reply = await wire.request({ type: "login", user: "alice", password: "wrong-pass" });
      expect(reply.code).toBe("auth_failed");
    }
    const wrong = await wire.request({ type: "login", user: "alice", password: "wrong-pass" });
    expectRateLimited(wrong, 20_000);
    const right = await wire.request({
      type: "login",
      user: "alice",
      password: "alice-password",
    });
    expectRateLimited(right, 20_000);
    // A fresh connection from the same address is held back too.
    const other = await Wire.open(url);
    const again = await other.request({ type: "login", user: "alice", password: "wrong-pass" });
    expectRateLimited(again, 20_000);
    await wire.close();
    await other.close();
  });

  test("guessing session tokens is limited per address (a bucket of its own)", async () => {
    const { url } = await limitedServer();
    const wire = await Wire.open(url);
    const replies: Received[] = [];
    for (let i = 0; i < 8; i++) replies.push(await wire.request({ type: "auth", token: `t${i}` }));
    expect(replies.slice(0, 5).every((r) => r.code === "auth_failed")).toBe(true);
    expectRateLimited(replies.at(-1), 20_000);
    await wire.close();
  });
});

describe("Registration flood", () => {
  test("one address registering many accounts is refused after the burst", async () => {
    const { url } = await limitedServer();
    const replies: Received[] = [];
    for (let i = 0; i < 14; i++) {
      const wire = await Wire.open(url);
      replies.push(await wire.request({ type: "register", user: `u${i}`, password: "password1" }));
      await wire.close();
    }
    const created = replies.filter((r) => r.type === "session").length;
    expect(created).toBe(10);
    for (const r of replies.slice(10)) expectRateLimited(r, 20_000);
    // The refused names were not created: logging in as one fails.
    const probe = await Wire.open(url);
    const login = await probe.request({ type: "login", user: "u13", password: "password1" });
    expect(login.type).toBe("error");
    await probe.close();
  });
});
