import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const LIMIT = 50;
let server: TestServer | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.stop();
  server = null;
});

/** The same server again (same folder, port and limit) after a stop or a kill. */
function restart(s: TestServer, limit: number): Promise<TestServer> {
  const args = ["--port", String(s.port), "--history-limit", String(limit)];
  return startServer({ dataDir: s.dataDir, args });
}

function journalBytes(s: TestServer): number {
  return statSync(join(s.dataDir, "journal.jsonl")).size;
}

/** Alice online, bob registered and gone; returns bob's token. */
async function aliceAndAbsentBob(s: TestServer): Promise<{ alice: TestClient; token: string }> {
  const { client: alice } = await registered(s.url, "alice");
  clients.push(alice);
  const bob = await registered(s.url, "bob");
  await bob.client.close();
  return { alice, token: bob.token };
}

/** The DMs a new listen connection of `token` receives, then proof that nothing else came. */
async function delivered(s: TestServer, token: string): Promise<string[]> {
  const c = await authed(s.url, token, "listen");
  clients.push(c);
  await c.call({ type: "ping" });
  // The queue goes out right after the session reply; one more round trip lets it all arrive.
  await c.call({ type: "ping" });
  return c.pending().flatMap((f) => (f.type === "dm" ? [String(f.text)] : []));
}

describe("DMs queued for an offline user", () => {
  test("each costs the same journal bytes however long the queue; the cap holds across kill -9", async () => {
    server = await startServer({ args: ["--history-limit", String(LIMIT)] });
    const { alice, token } = await aliceAndAbsentBob(server);
    const cost: number[] = [];
    for (let i = 0; i < 210; i++) {
      const before = journalBytes(server);
      // Same length every time: only the queue's length changes from one DM to the next.
      await alice.call({
        type: "dm",
        to: "bob",
        text: `dm ${String(i).padStart(3, "0")} ${"x".repeat(500)}`,
      });
      cost.push(journalBytes(server) - before);
    }
    const first = cost.slice(0, 10);
    const late = cost.slice(200, 210);
    // A rewrite of the queue would make DM 200 cost ~50 DMs' worth; a line of its own does not.
    expect(Math.max(...late)).toBeLessThanOrEqual(Math.max(...first) + 8);
    expect(Math.max(...cost)).toBeLessThan(2 * 600 + 400);

    await server.kill();
    server = await restart(server, LIMIT);
    const got = await delivered(server, token);
    const expected = Array.from({ length: LIMIT }, (_, k) => 210 - LIMIT + k).map(
      (i) => `dm ${String(i).padStart(3, "0")} ${"x".repeat(500)}`,
    );
    expect(got).toEqual(expected);
    // Delivered once: the next connection gets none of them, also after another restart.
    expect(await delivered(server, token)).toEqual([]);
    await server.kill();
    server = await restart(server, LIMIT);
    expect(await delivered(server, token)).toEqual([]);
  });

  test("after a clean stop the queue is in users.json beside the records and is delivered once", async () => {
    server = await startServer({ args: ["--history-limit", "5"] });
    const { alice, token } = await aliceAndAbsentBob(server);
    for (let i = 1; i <= 8; i++) await alice.call({ type: "dm", to: "bob", text: `note ${i}` });
    await server.stop();
    const users = JSON.parse(readFileSync(join(server.dataDir, "users.json"), "utf8"));
    expect(users.notices.bob).toHaveLength(5);
    for (const u of users.users) expect(u.notices).toBeUndefined();
    server = await restart(server, 5);
    expect(await delivered(server, token)).toEqual([
      "note 4",
      "note 5",
      "note 6",
      "note 7",
      "note 8",
    ]);
    await server.stop();
    server = await restart(server, 5);
    expect(await delivered(server, token)).toEqual([]);
    // The conversation itself is history, not the queue: all of the last 5 are there.
    const bob = await authed(server.url, token, "oneshot");
    clients.push(bob);
    const history = await bob.call({ type: "history", user: "alice" });
    expect((history.messages as { text: string }[]).map((m) => m.text)).toHaveLength(5);
  });
});
