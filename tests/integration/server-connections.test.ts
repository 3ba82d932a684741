import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registered, TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.connect(url);
  run.track(c);
  return c;
}

describe("Connections that do not log in", () => {
  test("are closed with 4408 after CHAT_AUTH_DEADLINE; logged-in ones stay", async () => {
    const server = await run.start({ env: { CHAT_AUTH_DEADLINE: "1" } });
    const idle = await connect(server.url);
    expect(await idle.request({ type: "ping" })).toMatchObject({ type: "pong" });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
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
    const server = await run.start({ args: ["--rate-limit"] });
    const waiting = await Promise.all(Array.from({ length: 64 }, () => connect(server.url)));
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
