/**
 * One user's catch-ups, syncs and pages cannot make the server slower or larger for others
 * (SPEC 6): sync and catch-up pages cost the user requests by the events they carry
 * (--frames-per-request), paged requests past the replies already waiting to reach the user
 * (--reply-backlog-kib) are answered `rate_limited` before anything is built, and a user's
 * catch-ups run one at a time.
 */
import { expect, test } from "bun:test";
import { RawSocket } from "../fuzz/raw-socket.ts";
import { TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();
const ZERO = "0000000000000000";

/** alice's #r with `count` messages of `size` characters, on a server restarted with `args`. */
async function seeded(count: number, size: number, args: string[]): Promise<TestServer> {
  const first = await run.start();
  const a = await TestClient.connect(first.url);
  await a.call({ type: "register", user: "alice", password: "password1" });
  await a.call({ type: "create", room: "r" });
  const sends = [];
  for (let i = 0; i < count; i++) {
    sends.push(a.request({ type: "send", room: "r", text: `${i} ${"x".repeat(size)}` }));
  }
  for (const reply of await Promise.all(sends)) expect(reply.type).toBe("sent");
  await a.close();
  await first.stop();
  return run.restart(first, { args: ["--rate-limit", ...args] });
}

async function raw(s: TestServer, user: string): Promise<RawSocket> {
  const c = await RawSocket.connect(s.url);
  run.track({ close: () => c.end() });
  c.send({ type: "login", user, password: "password1", id: "login" });
  await c.waitFor(() => c.texts.some((t) => t.includes('"session"')));
  return c;
}

const replies = (c: RawSocket, prefix: string): Frame[] =>
  c.texts
    .map((t) => JSON.parse(t) as Frame)
    .filter((f) => typeof f.replyTo === "string" && f.replyTo.startsWith(prefix));

test("20 pipelined syncs and histories: past --reply-backlog-kib they are refused unbuilt", async () => {
  // 30 messages of 4,000 characters: one page of either is about 120 KiB.
  const s = await seeded(30, 3990, ["--reply-backlog-kib", "64", "--frames-per-request", "0"]);
  const bob = await TestClient.connect(s.url);
  run.track(bob);
  await bob.call({ type: "register", user: "bob", password: "password1" });
  const alice = await raw(s, "alice");
  const asks = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? { type: "sync", since: ZERO, limit: 5000, id: `p${i}` }
      : { type: "history", room: "r", limit: 200, id: `p${i}` },
  );
  alice.sendAll(asks);
  // Someone else's page at the same time is not refused: the bound is the user's own.
  expect((await bob.request({ type: "rooms" })).type).toBe("rooms");
  await alice.waitFor(() => replies(alice, "p").length === 20);
  const answers = replies(alice, "p");
  const refused = answers.filter((f) => f.type === "error");
  for (const f of refused) {
    expect(f).toMatchObject({ code: "rate_limited" });
    expect(f.retryAfterMs as number).toBeGreaterThan(0);
  }
  // The first page is built; the 64 KiB are then passed, and what follows is refused.
  expect(answers[0]).toMatchObject({ type: "synced", more: false });
  expect(refused.length).toBeGreaterThanOrEqual(15);
  // Once the pages have reached alice, she is answered again.
  await Bun.sleep(1000);
  alice.send({ type: "history", room: "r", limit: 200, id: "later" });
  await alice.waitFor(() => replies(alice, "later").length === 1);
  const later = replies(alice, "later")[0]!;
  expect(later.type).toBe("history");
  expect((later.messages as unknown[]).length).toBe(30);
});

test("a sync page costs alice one request per --frames-per-request events it carries", async () => {
  // 1 request a second, a burst of 4; 60 events at 10 a request are 6 more than she has.
  const s = await seeded(60, 10, ["--requests-per-user", "1", "--frames-per-request", "10"]);
  const alice = await raw(s, "alice");
  alice.send({ type: "sync", since: ZERO, limit: 5000, id: "s" });
  await alice.waitFor(() => replies(alice, "s").length === 1);
  expect(replies(alice, "s")[0]).toMatchObject({ type: "synced", more: false });
  expect(alice.texts.filter((t) => t.includes('"type":"message"')).length).toBe(60);
  alice.send({ type: "ping", id: "ping" });
  await alice.waitFor(() => replies(alice, "ping").length === 1);
  expect(replies(alice, "ping")[0]).toMatchObject({ type: "error", code: "rate_limited" });
});

test("so does a catch-up after login with since: the user's next request waits", async () => {
  const s = await seeded(60, 10, ["--requests-per-user", "1", "--frames-per-request", "10"]);
  const c = await RawSocket.connect(s.url);
  run.track({ close: () => c.end() });
  c.send({ type: "login", user: "alice", password: "password1", since: ZERO, id: "login" });
  await c.waitFor(() => c.texts.some((t) => t.includes('"more":false')));
  expect(c.texts.filter((t) => t.includes('"type":"message"')).length).toBe(60);
  c.send({ type: "ping", id: "ping" });
  await c.waitFor(() => replies(c, "ping").length === 1);
  expect(replies(c, "ping")[0]).toMatchObject({ type: "error", code: "rate_limited" });
});

test("the second catch-up of a user starts once the first has sent its last page", async () => {
  // 10 pages of 64 KiB (20 of the 200 messages kept); 20 requests a second, 2 events a request:
  // the first catch-up spends the burst on its first 8 pages, then goes at the bucket's pace.
  const s = await seeded(200, 3000, [
    "--history-page-kib",
    "64",
    "--requests-per-user",
    "20",
    "--frames-per-request",
    "2",
  ]);
  const login = async (): Promise<RawSocket> => {
    const c = await RawSocket.connect(s.url);
    run.track({ close: () => c.end() });
    c.send({ type: "login", user: "alice", password: "password1", since: ZERO });
    return c;
  };
  // What each connection has been sent so far, noted in the order it is seen here.
  const order: string[] = [];
  const note = (name: string, c: RawSocket | null): void => {
    const seen = (what: string, test: (t: string) => boolean): void => {
      const key = `${name} ${what}`;
      if (c !== null && !order.includes(key) && c.texts.some(test)) order.push(key);
    };
    seen("session", (t) => t.includes('"session"'));
    seen("first", (t) => t.includes('"synced"'));
    seen("last", (t) => t.includes('"more":false'));
  };
  const first = await login();
  await first.waitFor(() => first.texts.some((t) => t.includes('"synced"')));
  const second = await login();
  while (!order.includes("second first")) {
    note("first", first);
    note("second", second);
    await Bun.sleep(5);
  }
  // The second was logged in while the first was still catching up, and got its first page
  // only once the first had its last.
  expect(order.indexOf("second session")).toBeLessThan(order.indexOf("first last"));
  expect(order.indexOf("first last")).toBeLessThan(order.indexOf("second first"));
});
