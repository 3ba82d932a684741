import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

describe("Server basics", () => {
  test("GET /health answers 200 with JSON", async () => {
    const server = await run.start();
    const res = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });

  test("register, create, send and history round-trip; the token resumes the session", async () => {
    const server = await run.start();
    const { client: alice, token } = await registered(server.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "#Lobby" });
    const sent = await alice.call({ type: "send", room: "lobby", text: "  hello  " });
    expect(sent.type).toBe("sent");
    const message = sent.message as { id: string; text: string; room: string; from: string };
    expect(message).toMatchObject({ text: "hello", room: "lobby", from: "alice" });
    const event = await alice.next("message");
    expect(event.id).toBe(message.id);

    const again = await authed(server.url, token, "oneshot");
    run.track(again);
    const history = await again.call({ type: "history", room: "lobby" });
    expect(history.messages).toEqual([message]);
  });

  test("SIGTERM exits 0", async () => {
    const server = await run.start();
    await server.stop();
    expect(server.proc.exitCode).toBe(0);
  });

  test("--history-limit 3 keeps the last 3 messages per room and per DM pair, across a restart", async () => {
    const args = ["--history-limit", "3"];
    let server = await run.start({ args });
    const { client: alice, token } = await registered(server.url, "alice");
    const { client: bob } = await registered(server.url, "bob");
    run.track(alice, bob);
    await alice.call({ type: "create", room: "lobby" });
    for (let i = 0; i < 5; i++) {
      await alice.call({ type: "send", room: "lobby", text: `m${i}` });
      await alice.call({ type: "dm", to: "bob", text: `d${i}` });
    }
    const texts = async (c: TestClient, q: Record<string, unknown>) =>
      ((await c.call({ type: "history", ...q })).messages as { text: string }[]).map((m) => m.text);
    expect(await texts(alice, { room: "lobby", limit: 100 })).toEqual(["m2", "m3", "m4"]);
    expect(await texts(bob, { user: "alice" })).toEqual(["d2", "d3", "d4"]);

    await server.stop();
    server = await run.start({ dataDir: server.dataDir, args });
    const again = await authed(server.url, token, "oneshot");
    run.track(again);
    expect(await texts(again, { room: "lobby" })).toEqual(["m2", "m3", "m4"]);
    expect(await texts(again, { user: "bob", limit: 2 })).toEqual(["d3", "d4"]);
  });

  test("the log holds no password and no token, also from failed and refused requests", async () => {
    const server = await run.start({ args: ["--rate-limit"] });
    const secrets = ["Secret-pass-1", "Wrong-pass-2", "New-pass-3", "bogus-token-4"];
    const { client: alice, token } = await registered(
      server.url,
      "alice",
      "interactive",
      secrets[0],
    );
    run.track(alice);
    const other = await TestClient.connect(server.url);
    run.track(other);
    await other.request({ type: "login", user: "alice", password: secrets[1] });
    await other.request({ type: "login", user: secrets[0], password: secrets[0] });
    await other.request({ type: "register", user: "bob", password: "short" });
    await other.request({ type: "auth", token: secrets[3] });
    await alice.request({ type: "passwd", old: secrets[1], new: secrets[2] });
    await alice.call({ type: "passwd", old: secrets[0], new: secrets[2] });
    const again = await authed(server.url, token);
    run.track(again);
    await again.call({ type: "logout" });
    await server.stop();
    const log = readFileSync(join(server.dataDir, "server.log"), "utf8");
    expect(log).toContain("login_failed");
    expect(log).toContain("login_failed user=(unknown)");
    for (const secret of [...secrets, token]) {
      expect(log.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});
