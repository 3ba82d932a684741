import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { registered, TestClient } from "../helpers/ws-client.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let server: TestServer | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.stop();
  server = null;
});

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.connect(url);
  clients.push(c);
  return c;
}

describe("Connections that do not log in", () => {
  test("are closed with 4408 after CHAT_AUTH_DEADLINE; logged-in ones stay", async () => {
    server = await startServer({ env: { CHAT_AUTH_DEADLINE: "1" } });
    const idle = await connect(server.url);
    expect(await idle.request({ type: "ping" })).toMatchObject({ type: "pong" });
    const { client: alice } = await registered(server.url, "alice");
    clients.push(alice);
    const loggedOut = await connect(server.url);
    const { token } = await loggedOut.call({ type: "login", user: "alice", password: "password1" });
    const sharing = await connect(server.url);
    await sharing.call({ type: "auth", token });
    await loggedOut.call({ type: "logout" });
    // The connection sharing the revoked session is told, and is then on the clock too.
    expect(await sharing.next("error")).toMatchObject({ code: "auth_required" });
    expect(await sharing.request({ type: "rooms" })).toMatchObject({ code: "auth_required" });

    expect(await idle.closed).toEqual({ code: 4408, reason: "not authenticated in time" });
    expect((await loggedOut.closed).code).toBe(4408);
    expect((await sharing.closed).code).toBe(4408);
    expect(await alice.request({ type: "ping" })).toMatchObject({ type: "pong" });
    expect(alice.ws.readyState).toBe(WebSocket.OPEN);
  });

  test("one address holds at most 64 at once while rate limits are on", async () => {
    server = await startServer({ args: ["--rate-limit"] });
    const waiting = await Promise.all(Array.from({ length: 64 }, () => connect(server!.url)));
    await expect(TestClient.connect(server.url)).rejects.toThrow("cannot connect");
    // One of them logs in: room for one more.
    await waiting[0]!.call({ type: "register", user: "alice", password: "password1" });
    await connect(server.url);
    await expect(TestClient.connect(server.url)).rejects.toThrow("cannot connect");
    await waiting[1]!.close();
    await connect(server.url);
    // Refused 4 times in 3 spells at the limit: logged once per spell, not once each.
    await expect(TestClient.connect(server.url)).rejects.toThrow("cannot connect");
    await expect(TestClient.connect(server.url)).rejects.toThrow("cannot connect");
    const log = readFileSync(join(server.dataDir, "server.log"), "utf8");
    expect(log.match(/refused_connections address=127\.0\.0\.1/g)?.length).toBe(3);
  });
});
