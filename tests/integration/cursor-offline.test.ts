/**
 * Offline delivery as a view of the log (SPEC 5.1): DMs and join decisions missed while away
 * come once through the cursor, each stored as one line of its own, kept per stream up to
 * --history-limit with the rest named in `truncated`; there is no notice queue.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

function restart(s: TestServer, limit: number): Promise<TestServer> {
  return run.restart(s, { args: ["--history-limit", String(limit)] });
}

function journalBytes(s: TestServer): number {
  return statSync(join(s.dataDir, "journal.jsonl")).size;
}

/** A registered user gone again: their token and the cursor of their session. */
async function absent(s: TestServer, name: string): Promise<{ token: string; cursor: string }> {
  const c = await TestClient.connect(s.url);
  const session = await c.call({ type: "register", user: name, password: "password1" });
  await c.close();
  return { token: String(session.token), cursor: String(session.cursor) };
}

/** What a listen connection resuming from `since` receives up to its last `synced`. */
async function resume(s: TestServer, token: string, since: string) {
  const c = await TestClient.connect(s.url);
  run.track(c);
  await c.call({ type: "auth", token, mode: "listen", since });
  const events: Frame[] = [];
  for (;;) {
    const f = await c.waitFor((x) => x.type !== "presence");
    if (f.type === "synced") {
      if (f.more === false) return { events, synced: f, client: c };
      continue;
    }
    events.push(f);
  }
}

const texts = (events: Frame[], type: string) =>
  events.filter((f) => f.type === type).map((f) => String(f.text));

describe("DMs missed while away", () => {
  test("each costs the same journal bytes; after kill -9 the kept ones come once, the rest named", async () => {
    const LIMIT = 50;
    let server = await run.start({ args: ["--history-limit", String(LIMIT)] });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
    const bob = await absent(server, "bob");
    const cost: number[] = [];
    const text = (i: number) => `dm ${String(i).padStart(3, "0")} ${"x".repeat(500)}`;
    for (let i = 0; i < 210; i++) {
      const before = journalBytes(server);
      await alice.call({ type: "dm", to: "bob", text: text(i) });
      cost.push(journalBytes(server) - before);
    }
    // One line per DM, whatever bob has missed (only the seq's digits could grow).
    expect(Math.max(...cost.slice(200))).toBeLessThanOrEqual(Math.max(...cost.slice(0, 10)) + 4);
    expect(Math.max(...cost)).toBeLessThan(600 + 400);
    // Before a restart the server knows exactly how many were dropped.
    const live = await resume(server, bob.token, bob.cursor);
    expect(live.synced.truncated).toEqual([{ user: "alice", dropped: 210 - LIMIT }]);
    await live.client.close();

    await server.kill();
    server = await restart(server, LIMIT);
    const got = await resume(server, bob.token, bob.cursor);
    const kept = Array.from({ length: LIMIT }, (_, k) => text(210 - LIMIT + k));
    expect(texts(got.events, "dm")).toEqual(kept);
    const [gap] = got.synced.truncated as { user: string; dropped: number }[];
    expect(gap?.user).toBe("alice");
    expect(gap!.dropped).toBeGreaterThanOrEqual(1);
    // Once: from the cursor it ended at, nothing again, also after another kill -9.
    const cursor = String(got.synced.cursor);
    const again = await resume(server, bob.token, cursor);
    expect(again.events).toEqual([]);
    await got.client.close();
    await again.client.close();
    await server.kill();
    server = await restart(server, LIMIT);
    expect((await resume(server, bob.token, cursor)).events).toEqual([]);
  });

  test("after a clean stop users.json holds no queue; the DMs come once from history.json", async () => {
    let server = await run.start({ args: ["--history-limit", "5"] });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
    const bob = await absent(server, "bob");
    for (let i = 1; i <= 8; i++) await alice.call({ type: "dm", to: "bob", text: `note ${i}` });
    await run.closeTracked();
    await server.stop();
    const users = JSON.parse(readFileSync(join(server.dataDir, "users.json"), "utf8"));
    expect(users.notices ?? {}).toEqual({});
    server = await restart(server, 5);
    const got = await resume(server, bob.token, bob.cursor);
    expect(texts(got.events, "dm")).toEqual(["note 4", "note 5", "note 6", "note 7", "note 8"]);
    expect(got.events.map((f) => f.seq)).toEqual(got.events.map((f) => f.seq).sort());
  });
});

describe("Join decisions missed while away", () => {
  test("heard live on a one-shot connection, a decision is still in the log once", async () => {
    const server = await run.start();
    const { client: admin } = await registered(server.url, "admin");
    run.track(admin);
    await admin.call({ type: "create", room: "club", open: false });
    const rita = await absent(server, "rita");
    const oneShot = await authed(server.url, rita.token, "oneshot");
    run.track(oneShot);
    await oneShot.call({ type: "join", room: "club" });
    await admin.call({ type: "deny", room: "club", user: "rita" });
    const heard = await oneShot.next("join_decision");
    const before = await resume(server, rita.token, rita.cursor);
    const decisions = before.events.filter((f) => f.type === "join_decision");
    expect(
      decisions.map((f) => `${String(f.seq)} ${String(f.room)} ${String(f.approved)}`),
    ).toEqual([`${String(heard.seq)} club false`]);
    const after = await resume(server, rita.token, String(heard.seq));
    expect(after.events).toEqual([]);
  });

  test("decisions are what happened, in order: approved then kicked, denied then shut down", async () => {
    const server = await run.start();
    const { client: admin } = await registered(server.url, "admin");
    run.track(admin);
    for (const room of ["kicked", "closed"])
      await admin.call({ type: "create", room, open: false });
    const rita = await absent(server, "rita");
    const c = await authed(server.url, rita.token, "oneshot");
    for (const room of ["kicked", "closed"]) await c.call({ type: "join", room });
    await c.close();
    await admin.call({ type: "approve", room: "kicked", user: "rita" });
    await admin.call({ type: "send", room: "kicked", text: "hello rita" });
    await admin.call({ type: "kick", room: "kicked", user: "rita" });
    await admin.call({ type: "send", room: "kicked", text: "after rita" });
    await admin.call({ type: "deny", room: "closed", user: "rita" });
    await admin.call({ type: "shutdown", room: "closed" });
    const got = await resume(server, rita.token, rita.cursor);
    const seen = got.events.map((f) => [f.type, f.room, f.approved ?? f.event ?? f.text].join(" "));
    expect(seen).toEqual([
      "member kicked joined",
      "join_decision kicked true",
      "message kicked hello rita",
      "member kicked kicked",
      "join_decision closed false",
    ]);
  });

  test("300 denials cost the same journal bytes each; the last --history-limit come, the rest named", async () => {
    const server = await run.start({ args: ["--history-limit", "20"] });
    const { client: admin } = await registered(server.url, "admin");
    run.track(admin);
    await admin.call({ type: "create", room: "club", open: false });
    const rita = await absent(server, "rita");
    const cost: number[] = [];
    for (let i = 0; i < 300; i++) {
      const c = await authed(server.url, rita.token, "oneshot");
      await c.call({ type: "join", room: "club" });
      await c.close();
      const before = journalBytes(server);
      await admin.call({ type: "deny", room: "club", user: "rita" });
      cost.push(journalBytes(server) - before);
    }
    expect(Math.max(...cost.slice(290))).toBeLessThanOrEqual(Math.max(...cost.slice(0, 10)) + 4);
    expect(Math.max(...cost)).toBeLessThan(300);
    const got = await resume(server, rita.token, rita.cursor);
    expect(got.events.filter((f) => f.type === "join_decision")).toHaveLength(20);
    expect(got.synced.truncated).toEqual([{ self: true, dropped: 280 }]);
  });
});
