/**
 * Accounts under attack, through the real server with its limits on: bad tokens do not lock
 * out valid ones, concurrent guesses stop at the burst, successful logins are limited too,
 * limited answers reveal no names, and sessions can be listed, revoked and survive a restart.
 */
import { describe, expect, test } from "bun:test";
import { type Frame, registered, TestClient } from "../helpers/ws-client.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

function limitedServer(extra: string[] = []): Promise<TestServer> {
  return run.start({ args: ["--rate-limit", ...extra] });
}

function codeOf(f: Frame): string {
  return f.type === "error" ? String(f.code) : f.type;
}

/** One request on a fresh connection, which is then closed. */
async function once(url: string, msg: Record<string, unknown>): Promise<Frame> {
  const c = await TestClient.connect(url);
  try {
    return await c.request(msg);
  } finally {
    await c.close();
  }
}

describe("Token authentication and failed logins", () => {
  test("after bad tokens from an address, a valid token and a right password still work", async () => {
    const { url } = await limitedServer();
    const { client, token } = await registered(url, "alice");
    await client.close();
    const attacker = await TestClient.connect(url);
    const replies: Frame[] = [];
    for (let i = 0; i < 8; i++)
      replies.push(await attacker.request({ type: "auth", token: `t${i}` }));
    expect(replies.slice(0, 5).map(codeOf)).toEqual(Array(5).fill("auth_failed"));
    expect(codeOf(replies.at(-1)!)).toBe("rate_limited");
    await attacker.close();
    expect(await once(url, { type: "auth", token })).toMatchObject({
      type: "session",
      user: "alice",
    });
    const login = { type: "login", user: "alice", password: "password1" };
    expect(await once(url, login)).toMatchObject({ type: "session", user: "alice" });
  });

  test("40 concurrent wrong passwords: only the burst is checked; the right one works after the stated wait", async () => {
    // One more try every 0.5 s, so that the test waits half a second, not ten.
    const { url } = await limitedServer(["--login-failure-limit", "5/0.5"]);
    (await registered(url, "alice")).client.close();
    const clients = await Promise.all(Array.from({ length: 40 }, () => TestClient.connect(url)));
    const replies = await Promise.all(
      clients.map((c, i) => c.request({ type: "login", user: "alice", password: `guess-${i}-x` })),
    );
    const codes = replies.map(codeOf);
    expect(codes.filter((c) => c === "auth_failed")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(35);
    const waits = replies.filter((r) => r.type === "error" && r.code === "rate_limited");
    const longest = Math.max(...waits.map((r) => Number(r.retryAfterMs)));
    expect(longest).toBeLessThanOrEqual(500);
    await Bun.sleep(longest);
    const right = await clients[0]!.request({
      type: "login",
      user: "alice",
      password: "password1",
    });
    expect(right).toMatchObject({ type: "session", user: "alice" });
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe("Successful account work is limited too", () => {
  test("a loop of right logins stops at the per-user burst; the sessions stored stay bounded", async () => {
    const { url } = await limitedServer();
    const { client } = await registered(url, "alice");
    const codes: string[] = [];
    for (let i = 0; i < 14; i++) {
      codes.push(codeOf(await once(url, { type: "login", user: "alice", password: "password1" })));
    }
    // Registering used one of the 10.
    expect(codes.filter((c) => c === "session")).toHaveLength(9);
    expect(codes.slice(9)).toEqual(Array(5).fill("rate_limited"));
    const list = await client.call({ type: "sessions" });
    expect((list.sessions as unknown[]).length).toBe(10);
    await client.close();
  });

  test("60 pipelined right passwd frames from one socket: the burst is done, the rest refused", async () => {
    const { url } = await limitedServer();
    const { client } = await registered(url, "alice");
    const change = { type: "passwd", old: "password1", new: "password1", keepSessions: true };
    const replies = await Promise.all(Array.from({ length: 60 }, () => client.request(change)));
    const codes = replies.map(codeOf);
    const done = codes.filter((c) => c === "ok").length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(60 - done);
    // Another user is not held back.
    expect(await once(url, { type: "register", user: "bob", password: "password1" })).toMatchObject(
      { type: "session" },
    );
    await client.close();
  });

  test("register of a taken name while limited is rate_limited, like a free one", async () => {
    const { url } = await limitedServer(["--register-limit", "2/100"]);
    (await registered(url, "taken")).client.close();
    (await registered(url, "second")).client.close();
    const taken = await once(url, { type: "register", user: "taken", password: "password1" });
    const free = await once(url, { type: "register", user: "free", password: "password1" });
    expect(codeOf(taken)).toBe("rate_limited");
    expect(codeOf(free)).toBe("rate_limited");
    expect(taken.message).toBe(free.message);
  });
});

describe("No enumeration through history", () => {
  test("history with a name that has no account answers as one without DMs", async () => {
    const server = await run.start();
    const { client } = await registered(server.url, "alice");
    (await registered(server.url, "bob")).client.close();
    const nobody = await client.call({ type: "history", user: "nobody" });
    const bob = await client.call({ type: "history", user: "bob" });
    expect(nobody.messages).toEqual([]);
    expect(bob.messages).toEqual([]);
    expect(Object.keys(nobody).sort()).toEqual(Object.keys(bob).sort());
    await client.close();
  });
});

describe("Sessions", () => {
  test("list, revoke one (its connection is logged out at once), then all others", async () => {
    const server = await run.start();
    const { url } = server;
    const phone = await TestClient.connect(url);
    await phone.call({
      type: "register",
      user: "alice",
      password: "password1",
      mode: "listen",
      client: "phone\u001b[31m",
    });
    const laptop = await TestClient.connect(url);
    await laptop.call({ type: "login", user: "alice", password: "password1", client: "laptop" });
    const tablet = await TestClient.connect(url);
    const tabletToken = (await tablet.call({ type: "login", user: "alice", password: "password1" }))
      .token as string;

    const list = (await laptop.call({ type: "sessions" })).sessions as Record<string, unknown>[];
    expect(list.map((s) => [s.client, s.address, s.current])).toEqual([
      ["phone", "127.0.0.1", false],
      ["laptop", "127.0.0.1", true],
      ["oneshot", "127.0.0.1", false],
    ]);
    expect(JSON.stringify(list)).not.toContain(tabletToken);

    const phoneId = list[0]!.id;
    expect(await laptop.call({ type: "revoke", session: phoneId })).toMatchObject({ count: 1 });
    expect(await phone.next("error")).toMatchObject({ code: "auth_required" });
    expect(codeOf(await phone.request({ type: "rooms" }))).toBe("auth_required");
    expect(codeOf(await laptop.request({ type: "revoke", session: phoneId }))).toBe("not_found");

    expect(await laptop.call({ type: "revoke", allOthers: true })).toMatchObject({ count: 1 });
    expect(await tablet.next("error")).toMatchObject({ code: "auth_required" });
    expect(codeOf(await once(url, { type: "auth", token: tabletToken }))).toBe("auth_failed");
    const left = (await laptop.call({ type: "sessions" })).sessions as unknown[];
    expect(left).toHaveLength(1);
    for (const c of [phone, laptop, tablet]) await c.close();
  });

  test("passwd ends the other sessions unless keepSessions; what is left survives a restart", async () => {
    let server = await run.start();
    const { client: other, token: otherToken } = await registered(server.url, "alice");
    const me = await TestClient.connect(server.url);
    const myToken = (await me.call({ type: "login", user: "alice", password: "password1" }))
      .token as string;
    await me.call({ type: "passwd", old: "password1", new: "password2", keepSessions: true });
    expect(codeOf(await other.request({ type: "rooms" }))).toBe("rooms");
    await me.call({ type: "passwd", old: "password2", new: "password3" });
    expect(await other.next("error")).toMatchObject({ code: "auth_required" });
    expect(me.pending().filter((f) => f.type === "error")).toEqual([]);
    await other.close();
    await me.close();

    await server.stop();
    server = await run.restart(server);
    expect(codeOf(await once(server.url, { type: "auth", token: otherToken }))).toBe("auth_failed");
    const again = await TestClient.connect(server.url);
    await again.call({ type: "auth", token: myToken });
    const list = (await again.call({ type: "sessions" })).sessions as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ current: true, address: "127.0.0.1" });
    await again.close();
  });

  test("past --max-sessions the least recently used session ends", async () => {
    const server = await run.start({ args: ["--max-sessions", "2"] });
    const { client: first } = await registered(server.url, "alice");
    const second = await TestClient.connect(server.url);
    await second.call({ type: "login", user: "alice", password: "password1" });
    const third = await TestClient.connect(server.url);
    await third.call({ type: "login", user: "alice", password: "password1" });
    expect(await first.next("error")).toMatchObject({ code: "auth_required" });
    const list = (await third.call({ type: "sessions" })).sessions as unknown[];
    expect(list).toHaveLength(2);
    for (const c of [first, second, third]) await c.close();
  });
});
