import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";

const run = useServer();

function start(dataDir?: string): Promise<TestServer> {
  return run.start(dataDir ? { dataDir } : {});
}

describe("Restart", () => {
  test("a restart restores users, sessions, rooms, memberships, requests and history", async () => {
    const first = await start();
    const { client: alice, token: aliceToken } = await registered(first.url, "alice");
    const { client: bob, token: bobToken } = await registered(first.url, "bob");
    const { client: carol } = await registered(first.url, "carol", "oneshot");
    run.track(alice, bob, carol);
    await alice.call({ type: "create", room: "lobby", topic: "general" });
    await alice.call({ type: "create", room: "club", open: false, visible: false });
    await bob.call({ type: "join", room: "lobby" });
    await carol.call({ type: "join", room: "club" });
    const sent = await bob.call({ type: "send", room: "lobby", text: "persist me" });
    await bob.call({ type: "dm", to: "alice", text: "psst" });
    await run.closeTracked();
    await first.stop();

    const second = await start(first.dataDir);
    const bob2 = await authed(second.url, bobToken, "oneshot");
    run.track(bob2);
    const history = await bob2.call({ type: "history", room: "lobby" });
    expect(history.messages).toEqual([sent.message]);
    const alice2 = await authed(second.url, aliceToken, "interactive");
    run.track(alice2);
    expect(await alice2.next("join_request")).toMatchObject({ room: "club", user: "carol" });
    const rooms = await alice2.call({ type: "rooms" });
    expect(rooms.rooms).toEqual([
      {
        name: "club",
        open: false,
        visible: false,
        admin: "alice",
        members: 1,
        role: "admin",
        topic: "",
        unread: 0,
        mentions: 0,
      },
      {
        name: "lobby",
        open: true,
        visible: true,
        admin: "alice",
        members: 2,
        role: "admin",
        topic: "general",
        unread: 1,
        mentions: 0,
      },
    ]);
    const dms = await alice2.call({ type: "history", user: "bob" });
    expect(dms.messages).toMatchObject([{ from: "bob", to: "alice", text: "psst" }]);
    // Memberships are back without re-joining: bob's new connection gets lobby messages.
    const bobLive = await authed(second.url, bobToken, "listen");
    run.track(bobLive);
    await alice2.call({ type: "send", room: "lobby", text: "after restart" });
    expect(await bobLive.next("message")).toMatchObject({ text: "after restart" });
    const login = await TestClient.connect(second.url);
    run.track(login);
    expect(await login.call({ type: "login", user: "carol", password: "password1" })).toMatchObject(
      {
        user: "carol",
      },
    );
    const log = readFileSync(join(first.dataDir, "server.log"), "utf8");
    expect(log).toContain("INFO login user=carol");
    expect(log).not.toContain("password1");
    expect(log).not.toContain(aliceToken);
    expect(log).not.toContain(bobToken);
  });

  test("a message acknowledged before kill -9 is there after restart", async () => {
    const first = await start();
    const { client: alice, token } = await registered(first.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "r" });
    const acked = await alice.call({ type: "send", room: "r", text: "durable" });
    await first.kill();
    await alice.closed;
    await run.closeTracked();
    const second = await start(first.dataDir);
    const again = await authed(second.url, token, "oneshot");
    run.track(again);
    expect((await again.call({ type: "history", room: "r" })).messages).toEqual([acked.message]);
  });

  test("a resend with the same clientId after a restart is not stored twice", async () => {
    const first = await start();
    const { client: alice, token } = await registered(first.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "r" });
    const original = await alice.call({ type: "send", room: "r", text: "once", clientId: "k-1" });
    await first.stop();
    await alice.closed;
    await run.closeTracked();
    const second = await start(first.dataDir);
    const again = await authed(second.url, token, "oneshot");
    run.track(again);
    const resent = await again.call({ type: "send", room: "r", text: "once", clientId: "k-1" });
    expect(resent.message).toEqual(original.message);
    expect((await again.call({ type: "history", room: "r" })).messages).toEqual([original.message]);
  });

  test("an invalid data file stops startup with its name and is left untouched", async () => {
    const dir = tempDir();
    const file = join(dir, "rooms.json");
    writeFileSync(file, "{ not json");
    const proc = Bun.spawn(["bun", "server/main.ts", "--port", "0", "--data", dir], {
      cwd: join(import.meta.dir, "../.."),
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, CHAT_PASSWORD_COST: "low" },
    });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("rooms.json");
    expect(await new Response(proc.stdout).text()).toBe("");
    expect(readFileSync(file, "utf8")).toBe("{ not json");
  });

  test("SIGTERM closes clients with 1001 and exits 0; the data is readable afterwards", async () => {
    const s = await start();
    const { client } = await registered(s.url, "alice");
    await client.call({ type: "create", room: "r" });
    await s.stop();
    expect((await client.closed).code).toBe(1001);
    expect(s.proc.exitCode).toBe(0);
    for (const f of ["users.json", "rooms.json", "history.json"]) {
      expect(() => JSON.parse(readFileSync(join(s.dataDir, f), "utf8"))).not.toThrow();
    }
    expect(readFileSync(join(s.dataDir, "rooms.json"), "utf8")).toContain('"r"');
  });

  test("SIGTERM answers the requests it received before closing with 1001; what it acknowledged is kept", async () => {
    const s = await start();
    const { client, token } = await registered(s.url, "alice");
    await client.call({ type: "create", room: "r" });
    const sends = Array.from({ length: 200 }, (_, i) =>
      client.request({ type: "send", room: "r", text: `m${i}`, clientId: `c${i}` }),
    );
    // Frames are read in order: once the pong is back, every send has reached the server.
    await client.call({ type: "ping" });
    await s.stop();
    const replies = await Promise.all(sends);
    expect(replies.map((r) => r.type)).toEqual(sends.map(() => "sent"));
    expect((await client.closed).code).toBe(1001);
    expect(s.proc.exitCode).toBe(0);

    const again = await start(s.dataDir);
    const reader = await authed(again.url, token, "oneshot");
    run.track(reader);
    const history = await reader.call({ type: "history", room: "r" });
    expect((history.messages as { text: string }[]).map((m) => m.text)).toEqual(
      sends.map((_, i) => `m${i}`),
    );
  });
});
