import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StoreOp } from "../../server/store/store.ts";
import { roomRecord } from "../helpers/records.ts";
import { loadFolder, StoreWithState } from "../helpers/stored-state.ts";
import { tempDir } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { TestClient } from "../helpers/ws-client.ts";

const run = useServer({ timeoutMs: 60_000 });

const USERS = 150;

function start(dataDir?: string): Promise<TestServer> {
  return run.start(dataDir ? { dataDir } : {});
}

async function client(url: string, msg: Record<string, unknown>): Promise<TestClient> {
  const c = await TestClient.connect(url);
  run.track(c);
  await c.call(msg);
  return c;
}

/**
 * Fill room "big" with USERS users (some of whom then leave or are kicked) and closed room
 * "club" with requests (some approved, some denied). Returns what `who` and `requests` must
 * answer afterwards.
 */
async function fill(url: string): Promise<{ members: string[]; clubMembers: string[] }> {
  const admin = await client(url, { type: "register", user: "admin", password: "password1" });
  await admin.call({ type: "create", room: "big" });
  await admin.call({ type: "create", room: "club", open: false });
  const users: TestClient[] = [];
  for (let i = 0; i < USERS; i++) {
    users.push(await client(url, { type: "register", user: `u${i}`, password: "password1" }));
  }
  await Promise.all(users.map((c) => c.call({ type: "join", room: "big" })));
  await Promise.all(users.slice(0, 10).map((c) => c.call({ type: "join", room: "club" })));
  for (let i = 0; i < USERS; i += 10) await users[i]!.call({ type: "leave", room: "big" });
  for (let i = 5; i < USERS; i += 10) {
    await admin.call({ type: "kick", room: "big", user: `u${i}` });
  }
  await users[20]!.call({ type: "join", room: "big" }); // back after leaving
  for (const i of [1, 2, 3]) await admin.call({ type: "approve", room: "club", user: `u${i}` });
  for (const i of [4, 5]) await admin.call({ type: "deny", room: "club", user: `u${i}` });
  await users[6]!.call({ type: "leave", room: "club" }); // withdraws the request
  const members = ["admin", "u20"];
  for (let i = 0; i < USERS; i++) if (i % 10 !== 0 && i % 10 !== 5) members.push(`u${i}`);
  return { members: members.sort(), clubMembers: ["admin", "u1", "u2", "u3"] };
}

async function check(url: string, expected: { members: string[]; clubMembers: string[] }) {
  const admin = await client(url, { type: "login", user: "admin", password: "password1" });
  const who = await admin.call({ type: "who", room: "big" });
  expect((who.users as { user: string }[]).map((u) => u.user)).toEqual(expected.members);
  const club = await admin.call({ type: "who", room: "club" });
  expect((club.users as { user: string }[]).map((u) => u.user)).toEqual(expected.clubMembers);
  const requests = await admin.call({ type: "requests", room: "club" });
  const pending = (requests.requests as { user: string }[]).map((r) => r.user).sort();
  expect(pending).toEqual(["u0", "u7", "u8", "u9"]);
  // A member is back in the room without re-joining; one who left is not.
  const u11 = await client(url, { type: "login", user: "u11", password: "password1" });
  expect(await u11.request({ type: "join", room: "big" })).toMatchObject({ status: "already" });
  const u10 = await client(url, { type: "login", user: "u10", password: "password1" });
  const rejoin = await u10.request({ type: "join", room: "big" });
  if (expected.members.includes("u10")) expect(rejoin).toMatchObject({ status: "already" });
  else expect(rejoin).toMatchObject({ type: "joined", status: "joined" });
}

describe("many membership changes survive a restart", () => {
  test("after kill -9 (journal replay)", async () => {
    const first = await start();
    const expected = await fill(first.url);
    await run.closeTracked();
    await first.kill();
    // Each change is a short line, not the whole room: only the two creates store a room.
    const lines = readFileSync(join(first.dataDir, "journal.jsonl"), "utf8").trim().split("\n");
    const ops = lines.map((line) => JSON.parse(line) as { op?: string });
    expect(ops.filter((op) => op.op === "room").length).toBe(2);
    expect(ops.filter((op) => op.op === "member").length).toBeGreaterThan(USERS);
    await check((await start(first.dataDir)).url, expected);
  });

  test("after a clean stop (snapshot files), and after a kill -9 that follows", async () => {
    const first = await start();
    const expected = await fill(first.url);
    await run.closeTracked();
    await first.stop();
    const second = await start(first.dataDir);
    await check(second.url, expected);
    // check() made u10 a member again.
    expected.members = [...expected.members, "u10"].sort();
    await run.closeTracked();
    await second.kill();
    await check((await start(first.dataDir)).url, expected);
  });
});

describe("member ops across compactions", () => {
  test("a store compacting often keeps every join and leave", async () => {
    const dir = tempDir("chat-store-");
    const room = roomRecord("big", { admin: "admin" });
    const store = new StoreWithState(dir, { historyLimit: 10, compactBytes: 2000 });
    await store.load();
    await store.commit([{ op: "room", room }]);
    const expected = new Set(["admin"]);
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 3000; i++) {
      const user = `u${(i * 37) % 500}`;
      const present = i % 4 !== 3;
      const op: StoreOp = { op: "member", room: "big", user, present };
      commits.push(store.commit([op]));
      if (present) expected.add(user);
      else expected.delete(user);
      if (i % 100 === 99) await Promise.all(commits.splice(0)); // let compactions run
    }
    await Promise.all(commits);
    const live = (await store.state()).rooms[0]!.members;
    expect([...live].sort()).toEqual([...expected].sort());
    await store.close();
    const reloaded = (await loadFolder(dir, 10)).rooms[0]!.members;
    expect([...reloaded].sort()).toEqual([...expected].sort());
  });
});
