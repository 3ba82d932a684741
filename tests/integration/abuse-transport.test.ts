/**
 * The server's front door under abuse (SPEC 6), through the real server: a socket that
 * closes during its login is never bound, connection quotas, a logout elsewhere puts a socket
 * back on the login deadline, well-formed refusals never close a connection, request limits
 * per user, folded logs, and HTTP requests without a Host header.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RawSocket } from "../fuzz/raw-socket.ts";
import type { StartOptions, TestServer } from "../helpers/server.ts";
import { registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";
import { entriesOf, namesUser } from "../helpers/presence.ts";

const run = useServer();

function start(opts: StartOptions = {}): Promise<TestServer> {
  return run.start(opts);
}

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(run.server.url);
  run.track(c);
  return c;
}

async function user(name: string, mode: "interactive" | "listen" | "oneshot" = "interactive") {
  const { client, token } = await registered(run.server.url, name, mode);
  run.track(client);
  return { client, token };
}

function serverLog(): string {
  try {
    return readFileSync(join(run.server.dataDir, "server.log"), "utf8");
  } catch {
    return ""; // not written yet: the start line is printed before the first log line
  }
}

/** Resolve once the server log matches `re` (polled: the log is the server's own record). */
async function logShows(re: RegExp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (re.test(serverLog())) return;
    await Bun.sleep(25);
  }
  throw new Error(`server log never matched ${re}`);
}

/** A raw HTTP exchange over TCP: what a load balancer's health check sends. */
async function rawHttp(port: number, request: string): Promise<string> {
  let text = "";
  const { promise, resolve } = Promise.withResolvers<string>();
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, chunk) => {
        text += new TextDecoder().decode(chunk);
      },
      close: () => resolve(text),
      end: () => resolve(text),
      error: () => resolve(text),
    },
  });
  socket.write(request);
  const timer = setTimeout(() => socket.end(), 3000);
  const answer = await promise;
  clearTimeout(timer);
  return answer;
}

describe("A socket that closes while its login is checked", () => {
  test("is never bound: no presence change, and every DM reaches the user's next listen connection", async () => {
    // Real argon2 cost: the login is still being checked when the close arrives. Presence told
    // at once (no window), so that a change would be here by the time `who` answers.
    await start({ env: { CHAT_PASSWORD_COST: "normal" }, args: ["--presence-window-ms", "0"] });
    const { client: alice } = await user("alice", "oneshot");
    await alice.call({ type: "create", room: "r" });
    await alice.close();
    const { client: bob } = await user("bob");
    await bob.call({ type: "join", room: "r" });
    await bob.call({ type: "dm", to: "alice", text: "one" });

    const ghost = await RawSocket.connect(run.server.url);
    ghost.send({ id: "g", type: "login", user: "alice", password: "password1", mode: "listen" });
    ghost.end();
    // The password was checked (logged right before the session would be bound).
    await logShows(/INFO login user=alice/);
    await bob.call({ type: "dm", to: "alice", text: "two" });

    const who = await bob.call({ type: "who", room: "r" });
    expect(who.users).toContainEqual({ user: "alice", status: "offline", typing: false });
    expect(entriesOf(bob.received, "alice")).toEqual([]);

    const listen = await connect();
    const events: Frame[] = [];
    const two = listen.waitFor((f) => f.type === "dm" && f.text === "two");
    // What she missed comes through the cursor (here the start of the log).
    const since = "0000000000000000";
    await listen.call({
      type: "login",
      user: "alice",
      password: "password1",
      mode: "listen",
      since,
    });
    events.push(await listen.waitFor((f) => f.type === "dm" && f.text === "one"));
    events.push(await two);
    expect(events.map((e) => e.text)).toEqual(["one", "two"]);
    await bob.waitFor(namesUser("alice", "online"));
  });
});

describe("Connection quotas", () => {
  test("past the connections of a user, login and auth are refused and the socket stays unbound", async () => {
    await start({ args: ["--max-connections-per-user", "2"] });
    const { token } = await user("alice");
    const second = await connect();
    await second.call({ type: "login", user: "alice", password: "password1" });
    const third = await connect();
    const refused = await third.request({ type: "login", user: "alice", password: "password1" });
    expect(refused).toMatchObject({ type: "error", code: "rate_limited" });
    expect(refused.message).toContain("2 connections");
    expect(refused.retryAfterMs as number).toBeGreaterThan(0);
    expect(await third.request({ type: "auth", token })).toMatchObject({ code: "rate_limited" });
    // Not bound: it is still anonymous, and it gets nothing of alice's.
    expect(await third.request({ type: "rooms" })).toMatchObject({ code: "auth_required" });
    const { client: bob } = await user("bob");
    await bob.call({ type: "dm", to: "alice", text: "hi" });
    expect(await second.next("dm")).toMatchObject({ text: "hi" });
    expect(third.pending().filter((f) => f.type === "dm")).toEqual([]);
    // One closes: room for one more.
    await second.close();
    expect(await third.call({ type: "auth", token })).toMatchObject({ type: "session" });
  });

  test("past the logged-in connections of an address, register, login and auth are refused", async () => {
    await start({ args: ["--max-connections-per-address", "2"] });
    const { client: alice, token } = await user("alice");
    await user("bob");
    const third = await connect();
    for (const msg of [
      { type: "register", user: "carol", password: "password1" },
      { type: "login", user: "alice", password: "password1" },
      { type: "auth", token },
    ]) {
      const reply = await third.request(msg);
      expect(reply).toMatchObject({ type: "error", code: "rate_limited" });
      expect(reply.message).toContain("this address");
    }
    // The refused registration created nothing: the name is still free once there is room.
    await alice.close();
    expect(
      await third.call({ type: "register", user: "carol", password: "password1" }),
    ).toMatchObject({ type: "session", user: "carol" });
  });
});

describe("A socket unbound by a logout on another connection", () => {
  test("is back on the login deadline and counted among the address's waiting sockets at once", async () => {
    await start({
      args: ["--max-unauthenticated-per-address", "3"],
      env: { CHAT_AUTH_DEADLINE: "1" },
    });
    const { client: a, token } = await user("alice");
    const b = await connect();
    await b.call({ type: "auth", token });
    await connect(); // one socket waiting to log in
    await a.call({ type: "logout" });
    expect(await b.next("error")).toMatchObject({ code: "auth_required" });
    // a, b and the waiting one: the cap of 3 is reached without b sending anything more.
    await expect(TestClient.connect(run.server.url)).rejects.toThrow("cannot connect");
    expect((await b.closed).code).toBe(4408);
  });
});

describe("Well-formed requests that are refused", () => {
  test("get their errors and never close the connection; malformed floods still close with 4029", async () => {
    await start({ args: ["--rate-limit"] });
    const anon = await connect();
    const { client: alice } = await user("alice");
    await alice.call({ type: "create", room: "r" });
    const replies = await Promise.all([
      ...Array.from({ length: 50 }, () => anon.request({ type: "rooms" })),
      ...Array.from({ length: 50 }, () =>
        alice.request({ type: "send", room: "r", text: "\u0007\u001b[2J" }),
      ),
    ]);
    expect(replies.every((r) => r.type === "error")).toBe(true);
    expect(new Set(replies.slice(0, 50).map((r) => r.code))).toEqual(new Set(["auth_required"]));
    expect(new Set(replies.slice(50).map((r) => r.code))).toEqual(new Set(["bad_request"]));
    expect(await anon.request({ type: "ping" })).toMatchObject({ type: "pong" });
    expect(await alice.request({ type: "ping" })).toMatchObject({ type: "pong" });
    expect(anon.ws.readyState).toBe(WebSocket.OPEN);

    const flood = await connect();
    for (let i = 0; i < 100 && flood.ws.readyState === WebSocket.OPEN; i++) {
      flood.sendRaw('{"type":"no-such-type"}');
    }
    expect((await flood.closed).code).toBe(4029);
  });

  test("requests per user across connections are limited with rate_limited, never by closing", async () => {
    await start({ args: ["--requests-per-user", "5"] });
    const { client: a1 } = await user("alice");
    const a2 = await connect();
    await a2.call({ type: "login", user: "alice", password: "password1" });
    const { client: bob } = await user("bob");
    const pings = (c: TestClient) => Array.from({ length: 20 }, () => c.request({ type: "ping" }));
    const replies = await Promise.all([...pings(a1), ...pings(a2)]);
    const refused = replies.filter((r) => r.type === "error");
    // A bucket of 20 (4 s at 5/s) for alice across both connections, not 20 each.
    expect(replies.length - refused.length).toBeGreaterThanOrEqual(20);
    expect(replies.length - refused.length).toBeLessThan(30);
    for (const r of refused) {
      expect(r).toMatchObject({ code: "rate_limited" });
      expect(r.message).toContain("'alice'");
      expect(r.retryAfterMs as number).toBeGreaterThan(0);
    }
    expect(a1.ws.readyState).toBe(WebSocket.OPEN);
    expect(a2.ws.readyState).toBe(WebSocket.OPEN);
    expect(await bob.request({ type: "ping" })).toMatchObject({ type: "pong" });
  });
});

describe("Log lines of one address", () => {
  test("60 sockets spamming bad logins add a bounded number of lines, with what was folded counted", async () => {
    await start({ args: ["--rate-limit"] });
    const before = serverLog().split("\n").length;
    const started = Date.now();
    const sockets = await Promise.all(Array.from({ length: 60 }, () => connect()));
    const attempts = sockets.flatMap((s) =>
      Array.from({ length: 10 }, () =>
        s.request({ type: "login", user: "alice", password: "wrong-password" }),
      ),
    );
    const replies = await Promise.all(attempts);
    expect(replies.every((r) => r.type === "error")).toBe(true);
    for (const s of sockets) await s.close();
    const seconds = Math.ceil((Date.now() - started) / 1000) + 2;
    // The folded counts are reported within a second of the last folded line.
    // Written refusals carry their connection; the count lines only the address and folded=.
    const refusedLine = /^\S+ INFO refused .*address=127\.0\.0\.1/;
    const countOf = (lines: string[]) =>
      lines
        .filter((l) => refusedLine.test(l))
        .reduce(
          (n, l) => n + (l.includes(" conn=") ? 1 : 0) + Number(/ folded=(\d+)/.exec(l)?.[1] ?? 0),
          0,
        );
    let lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      lines = serverLog()
        .split("\n")
        .slice(before - 1);
      if (countOf(lines) >= 600) break;
      await Bun.sleep(25);
    }
    // Every refusal is accounted for, written or counted.
    expect(countOf(lines)).toBe(600);
    // connect, refused, login_failed, disconnect: each a burst of 5, then one written and
    // one count a second.
    expect(lines.length).toBeLessThanOrEqual(4 * (5 + 2 * seconds) + 5);
    expect(lines.some((l) => / folded=\d+/.test(l))).toBe(true);
  });
});

describe("HTTP without a Host header", () => {
  test("GET /health over HTTP/1.0 answers 200 with the health JSON", async () => {
    const { port } = await start();
    const answer = await rawHttp(port, "GET /health HTTP/1.0\r\n\r\n");
    expect(answer).toStartWith("HTTP/1.1 200");
    const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
    expect(JSON.parse(body)).toMatchObject({ status: "ok", protocol: 2 });
  });

  test("odd requests get a short plain answer, never source lines, paths or a stack", async () => {
    const { port } = await start();
    for (const request of [
      "GET / HTTP/1.0\r\n\r\n",
      "POST /health HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
      "GET /../../etc/passwd HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    ]) {
      const answer = await rawHttp(port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 [0-9]{3}/);
      expect(answer.length).toBeLessThan(1000);
      expect(answer).not.toContain("/work");
      expect(answer).not.toContain(".ts");
      expect(answer).not.toMatch(/\n\s+at /);
    }
  });
});
