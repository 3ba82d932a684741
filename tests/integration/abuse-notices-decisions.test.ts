import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let server: TestServer | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.stop();
  server = null;
});

/** An admin online with closed rooms, and a requester registered and gone. */
async function setup(s: TestServer, rooms: string[]) {
  const { client: admin } = await registered(s.url, "admin");
  clients.push(admin);
  for (const room of rooms) await admin.call({ type: "create", room, open: false });
  const { client, token } = await registered(s.url, "rita", "oneshot");
  await client.close();
  return { admin, token };
}

/** Ask to join `room` from a one-shot connection that is closed again before the answer. */
async function requestAndLeave(s: TestServer, token: string, room: string): Promise<void> {
  const c = await authed(s.url, token, "oneshot");
  expect((await c.call({ type: "join", room })).type).not.toBe("error");
  await c.close();
}

/** The join decisions a new listen connection receives (after two round trips). */
async function decisionsOnConnect(s: TestServer, token: string): Promise<Frame[]> {
  const c = await authed(s.url, token, "listen");
  clients.push(c);
  await c.call({ type: "ping" });
  await c.call({ type: "ping" });
  return c.pending().filter((f) => f.type === "join_decision");
}

describe("Join decisions kept for a requester", () => {
  test("a decision heard live on a one-shot connection is not delivered again", async () => {
    server = await startServer();
    const { admin, token } = await setup(server, ["club"]);
    const oneShot = await authed(server.url, token, "oneshot");
    clients.push(oneShot);
    await oneShot.call({ type: "join", room: "club" });
    await admin.call({ type: "deny", room: "club", user: "rita" });
    expect(await oneShot.next("join_decision")).toMatchObject({ room: "club", approved: false });
    await oneShot.close();
    expect(await decisionsOnConnect(server, token)).toEqual([]);
  });

  test("a stale decision (kicked since, room shut down) is not delivered; a current one is, once", async () => {
    server = await startServer();
    const { admin, token } = await setup(server, ["kept", "kicked", "closed"]);
    for (const room of ["kept", "kicked", "closed"]) await requestAndLeave(server, token, room);
    await admin.call({ type: "approve", room: "kept", user: "rita" });
    await admin.call({ type: "approve", room: "kicked", user: "rita" });
    await admin.call({ type: "deny", room: "closed", user: "rita" });
    await admin.call({ type: "kick", room: "kicked", user: "rita" });
    await admin.call({ type: "shutdown", room: "closed" });
    const got = await decisionsOnConnect(server, token);
    expect(got.map((f) => [f.room, f.approved])).toEqual([["kept", true]]);
    expect(await decisionsOnConnect(server, token)).toEqual([]);
  });

  test("300 denials of one requester keep one notice and cost the same journal bytes each", async () => {
    server = await startServer();
    const { admin, token } = await setup(server, ["club"]);
    const journal = join(server.dataDir, "journal.jsonl");
    const cost: number[] = [];
    for (let i = 0; i < 300; i++) {
      await requestAndLeave(server, token, "club");
      const before = statSync(journal).size;
      await admin.call({ type: "deny", room: "club", user: "rita" });
      cost.push(statSync(journal).size - before);
    }
    // Each denial stores its own small lines, never the queue of denials before it (only the
    // digits of the notice's number grow).
    expect(Math.max(...cost.slice(290))).toBeLessThanOrEqual(Math.max(...cost.slice(0, 10)) + 4);
    expect(Math.max(...cost)).toBeLessThan(300);
    await server.stop();
    const users = JSON.parse(readFileSync(join(server.dataDir, "users.json"), "utf8"));
    expect(users.notices.rita).toHaveLength(1);
    server = await startServer({ dataDir: server.dataDir, args: ["--port", String(server.port)] });
    const got = await decisionsOnConnect(server, token);
    expect(got.map((f) => [f.room, f.approved])).toEqual([["club", false]]);
    expect(await decisionsOnConnect(server, token)).toEqual([]);
  });

  test("decisions in many rooms are capped at the history limit, the oldest dropped", async () => {
    server = await startServer({ args: ["--history-limit", "3"] });
    const rooms = ["r1", "r2", "r3", "r4", "r5"];
    const { admin, token } = await setup(server, rooms);
    for (const room of rooms) await requestAndLeave(server, token, room);
    for (const room of rooms) await admin.call({ type: "deny", room, user: "rita" });
    const got = await decisionsOnConnect(server, token);
    expect(got.map((f) => f.room)).toEqual(["r3", "r4", "r5"]);
  });
});
