/**
 * `chat listen` against a server that bounds history pages in bytes (`more`), pages its rooms
 * and rate limits requests: every missed message is printed once, in order, every member room
 * is listened to, and a request limit is waited out.
 */
import { describe, expect, test } from "bun:test";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { registerUser, User } from "./helpers.ts";

const run = useServer();

const MISSED = 7;
const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const message = (n: number) => ({
  id: id(n),
  room: "lobby",
  from: "alice",
  text: `missed ${n}`,
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});

/**
 * A server with message 0 at start that drops the first connection once listen is ready; on
 * the next, the first history request is rate limited, then the MISSED messages after 0 come
 * two a page with `more`, paged on with `after`.
 */
function pagingServer(): { server: FakeServer; asked: string[] } {
  const asked: string[] = [];
  let histories = 0;
  const server = fakeServer("paging", (msg, conn) => {
    if (msg.type === "auth") return conn.reply({ type: "session", user: "bob", token: "t" });
    if (msg.type !== "history") return conn.reply({ type: "ok" });
    histories += 1;
    if (histories === 1) {
      conn.reply({ type: "history", room: "lobby", messages: [message(0)], more: true });
      setTimeout(() => conn.close(1001, "going away"), 50);
      return;
    }
    if (histories === 2) {
      const limited = { code: "rate_limited", message: "too many requests", retryAfterMs: 200 };
      return conn.reply({ type: "error", ...limited });
    }
    asked.push(String(msg.after));
    const from = Number(String(msg.after).slice(-12)) + 1;
    const last = Math.min(from + 1, MISSED);
    const messages = [];
    for (let n = from; n <= last; n++) messages.push(message(n));
    conn.reply({ type: "history", room: "lobby", messages, more: last < MISSED });
  });
  run.track(server);
  return { server, asked };
}

describe("chat listen catching up", () => {
  test("follows more through every history page and waits out rate_limited; each missed message once", async () => {
    const { server, asked } = pagingServer();
    const user = new User(server.url, "bob", tempDir("chat-cfg-"));
    const l = await user.listen(["lobby", "--json", "--count", String(MISSED)], {
      CHAT_TOKEN: "t",
    });
    run.track(l);
    expect(await l.proc.exited).toBe(0);
    const printed = l.lines.map((line) => (JSON.parse(line) as { text: string }).text);
    expect(printed).toEqual(Array.from({ length: MISSED }, (_, i) => `missed ${i + 1}`));
    expect(asked).toEqual([id(0), id(2), id(4), id(6)]);
    expect(l.stderr).not.toContain("could not fetch");
  });
});

describe("chat listen in many rooms", () => {
  test("reads every page of rooms: a room on the second page is listened to from the start", async () => {
    const asked: string[] = [];
    const room = (name: string) => ({ name, role: "member", isPublic: true, members: 1 });
    const server = fakeServer("many rooms", (msg, conn) => {
      if (msg.type === "auth") return conn.reply({ type: "session", user: "bob", token: "t" });
      if (msg.type === "rooms") {
        const isFirst = msg.cursor === undefined;
        return conn.reply(
          isFirst
            ? { type: "rooms", rooms: [room("alpha")], next: "alpha" }
            : { type: "rooms", rooms: [room("zoo")] },
        );
      }
      if (msg.type !== "history") return conn.reply({ type: "ok" });
      asked.push(String(msg.room));
      conn.reply({ type: "history", room: msg.room, messages: [] });
    });
    run.track(server);
    const user = new User(server.url, "bob", tempDir("chat-cfg-"));
    run.track(await user.listen([], { CHAT_TOKEN: "t" }));
    expect(asked.toSorted()).toEqual(["alpha", "zoo"]);
  });

  test("a server's request limit at start is waited out, not an error", async () => {
    // A burst of 8 requests: the rooms list and 8 starting points are one too many.
    const real = await run.start({
      args: [
        "--rate-limit",
        "--requests-per-connection",
        "2",
        "--requests-per-user",
        "1000",
        "--room-create-limit",
        "20/1",
      ],
    });
    const bob = await registerUser(real.url, "bob");
    for (let i = 0; i < 8; i++) await bob.ok(["create", `r${i}`]);
    const l = await bob.listen(["--json", "--count", "1"]);
    run.track(l);
    expect(l.stderr).not.toContain("rate");
    await bob.ok(["send", "r7", "made it"]);
    expect(await l.proc.exited).toBe(0);
    expect(l.lines.map((line) => (JSON.parse(line) as { text?: string }).text)).toContain(
      "made it",
    );
  });
});
