/**
 * `chat listen` when the server drops it, limits its re-authentication, refuses its session
 * or logs it out: it waits and tries again when rate limited, and ends with exit 4 only when
 * the session itself is gone. A hostile catch-up page (one frame, its events inside) is
 * neutralised event by event as frames of their own are.
 */
import { describe, expect, test } from "bun:test";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { unsafeIn } from "../helpers/terminal-safety.ts";
import { useServer } from "../helpers/use-server.ts";
import { type Listening, PASSWORD, registerUser, User } from "./helpers.ts";

const run = useServer();

const message = (id: string, text: string) => ({
  id: `0190a000-0000-7000-8000-00000000000${id}`,
  room: "lobby",
  from: "alice",
  text,
  ts: new Date().toISOString(),
});

/**
 * A server that drops the first connection once listen is ready, answers the next
 * authentication with `answer`, and, once a session is back, has one new message.
 */
function droppingServer(answer: (auths: number) => Record<string, unknown>): {
  server: FakeServer;
  auths: () => number;
} {
  let auths = 0;
  let histories = 0;
  const server = fakeServer("flaky", (msg, conn) => {
    if (msg.type === "auth") {
      auths += 1;
      const session = { type: "session", user: "bob", token: "t", cursor: "0000000000000001" };
      const reply = auths === 1 ? session : answer(auths);
      conn.reply(reply);
      // Back with `since`: what was missed comes as events, then `synced`.
      if (reply.type === "session" && auths > 1 && msg.since === "0000000000000001") {
        const missed = {
          type: "message",
          ...message("1", "after the restart"),
          seq: "0000000000000002",
        };
        conn.send(missed);
        conn.send({ type: "synced", cursor: "0000000000000002", more: false, truncated: [] });
      }
      return;
    }
    if (msg.type === "history") {
      histories += 1;
      conn.reply({ type: "history", room: "lobby", messages: [] });
      // The first connection goes away as a restarting server's would.
      if (histories === 1) setTimeout(() => conn.close(1001, "going away"), 50);
      return;
    }
    conn.reply({ type: "ok" });
  });
  run.track(server);
  return { server, auths: () => auths };
}

async function listenTo(url: string, args: string[] = []): Promise<Listening> {
  const user = new User(url, "bob", tempDir("chat-cfg-"));
  const l = await user.listen(["lobby", ...args], { CHAT_TOKEN: "t" });
  run.track(l);
  return l;
}

describe("chat listen re-authenticating", () => {
  test("a rate-limited re-authentication waits retryAfterMs and tries again; the next message arrives", async () => {
    const { server, auths } = droppingServer((n) =>
      n === 2
        ? { type: "error", code: "rate_limited", message: "too many", retryAfterMs: 300 }
        : { type: "session", user: "bob", token: "t" },
    );
    const l = await listenTo(server.url, ["--count", "1"]);
    expect(await l.proc.exited).toBe(0);
    expect(l.lines.join("\n")).toContain("after the restart");
    expect(auths()).toBe(3);
  });

  test("a refused session on re-authentication is final: exit 4", async () => {
    const { server, auths } = droppingServer(() => ({
      type: "error",
      code: "auth_failed",
      message: "unknown or expired session",
    }));
    const l = await listenTo(server.url);
    expect(await l.proc.exited).toBe(4);
    expect(l.stderr).toContain("unknown or expired session");
    expect(auths()).toBe(2);
  });

  test("a session logged out elsewhere ends listen with exit 4 (hostile server)", async () => {
    const server = fakeServer("revoking", (msg, conn) => {
      if (msg.type === "auth") conn.reply({ type: "session", user: "bob", token: "t" });
      else if (msg.type === "history") {
        conn.reply({ type: "history", room: "lobby", messages: [] });
        const notice = "this session was logged out; log in again\x1b]0;pwned\x07";
        setTimeout(() => conn.send({ type: "error", code: "auth_required", message: notice }), 50);
      } else conn.reply({ type: "ok" });
    });
    run.track(server);
    const l = await listenTo(server.url);
    expect(await l.proc.exited).toBe(4);
    expect(l.stderr).toContain("this session was logged out");
    expect(l.stderr).not.toContain("\x1b");
  });

  test("`chat logout` of the same session elsewhere ends listen with exit 4 (real server)", async () => {
    const real = await run.start();
    const alice = await registerUser(real.url, "alice");
    const l = await alice.listen();
    run.track(l);
    await alice.ok(["logout"]);
    expect(await l.proc.exited).toBe(4);
    expect(l.stderr).toContain("logged out");
  });

  test("`chat revoke --all-others` from another device ends listen with exit 4 (real server)", async () => {
    const real = await run.start();
    const alice = await registerUser(real.url, "alice");
    const l = await alice.listen();
    run.track(l);
    const laptop = new User(real.url, alice.name);
    await laptop.ok(["login", alice.name, "--password-stdin"], { stdin: `${PASSWORD}\n` });
    await laptop.ok(["revoke", "--all-others"]);
    expect(await l.proc.exited).toBe(4);
    expect(l.stderr).toContain("logged out");
  });
});

const EVIL = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J\u202e\u2066\u2028\n";
const evil = (name: string) => `${name}${EVIL}`;

/**
 * A server whose catch-up after `auth since=` with `batch` is one page of hostile events: names,
 * a room, a truncation and a text carrying terminal controls, one malformed event and a page
 * nested in the page.
 */
function hostileBatchServer(): { server: FakeServer; batches: () => unknown[] } {
  const batches: unknown[] = [];
  const ts = new Date().toISOString();
  const server = fakeServer("hostile", (msg, conn) => {
    if (msg.type !== "auth") return conn.reply({ type: "ok" });
    batches.push(msg.batch);
    const cursor = "0000000000000001";
    conn.reply({ type: "session", user: "bob", token: "t", cursor });
    const id = (n: number) => `0190a000-0000-7000-8000-00000000000${n}`;
    const events = [
      { type: "message", id: id(1), room: evil("lobby"), from: evil("mallory"), text: evil("one") },
      // Malformed (no text): dropped, as a malformed frame would be.
      { type: "message", id: id(2), room: "lobby", from: "mallory", ts },
      { type: "member", room: evil("lobby"), user: evil("trudy"), event: "joined" },
      { type: "dm", id: id(3), from: evil("eve"), to: "bob", text: evil("two") },
      // A page inside the page, whose gaps the client cannot read: dropped, and the events
      // after it still count.
      { type: "synced", cursor: "0000000000000009", more: false, truncated: [null] },
      { type: "message", id: id(4), room: "lobby", from: evil("mallory"), text: "three" },
    ].map((e, i) => ({ ts, ...e, seq: `000000000000000${i + 2}` }));
    const truncated = [{ room: evil("lobby"), dropped: 2 }];
    const page = { type: "synced", cursor: "0000000000000006", more: false, truncated, events };
    conn.send(JSON.stringify(page));
  });
  run.track(server);
  return { server, batches: () => batches };
}

describe("chat listen, a hostile batched catch-up", () => {
  for (const json of [false, true]) {
    test(`names inside a batched page are made inert as in frames of their own${json ? " (--json)" : ""}`, async () => {
      const { server, batches } = hostileBatchServer();
      const args = ["--since", "0000000000000001", "--count", "3", ...(json ? ["--json"] : [])];
      const user = new User(server.url, "bob", tempDir("chat-cfg-"));
      const l = run.track(await user.listen(args, { CHAT_TOKEN: "t" }));
      expect(await l.proc.exited).toBe(0);
      // The client asked for the catch-up in pages of one frame.
      expect(batches()).toEqual([true]);
      const out = l.lines.join("\n");
      expect(unsafeIn(out)).toEqual([]);
      expect(unsafeIn(l.stderr)).toEqual([]);
      // Every well-formed event, once and in order; the malformed one left out.
      for (const word of ["one", "two", "three"]) {
        expect(l.lines.filter((line) => line.includes(word))).toHaveLength(1);
      }
      const order = ["one", "trudy", "two", "three"].map((w) => out.indexOf(w));
      expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
      // Each name on its event's line (a newline in a name would have broken it).
      if (json) {
        for (const event of l.json) {
          for (const [key, value] of Object.entries(event)) {
            if (key !== "text") expect(String(value)).not.toMatch(/[\n\u2028]/);
          }
        }
      } else {
        for (const [name, word] of [
          ["mallory", "one"],
          ["trudy", "joined"],
          ["eve", "two"],
        ]) {
          expect(l.lines.some((line) => line.includes(name!) && line.includes(word!))).toBe(true);
        }
      }
      expect(out).not.toContain("0190a000-0000-7000-8000-000000000002");
      expect(l.stderr).toContain("missed more than the server keeps: 2 in #lobby");
    });
  }
});
