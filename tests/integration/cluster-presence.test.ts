/**
 * Presence across a cluster: a user is online while any instance holds a live connection of
 * theirs, and the users of an instance that died go offline once it is unheard of.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { entriesOf, namesUser } from "../helpers/presence.ts";
import { startRedis } from "../helpers/redis.ts";
import type { TestRedis } from "../helpers/redis.ts";
import { useServer } from "../helpers/use-server.ts";
import type { TestClient } from "../helpers/ws-client.ts";
import { authed, registered } from "../helpers/ws-client.ts";

const servers = useServer();
let redis: TestRedis | null = null;

afterEach(async () => {
  await servers.closeTracked();
  await servers.endTest();
  await redis?.stop();
  redis = null;
});

/** alice on instance a and bob, a member of her room, with a token to connect anywhere. */
async function roomOverTwo(extra: string[] = []) {
  redis = await startRedis();
  const args = ["--redis", redis.url, ...extra];
  const a = await servers.start({ args });
  const b = await servers.start({ args });
  const alice = servers.track((await registered(a.url, "alice")).client);
  await alice.call({ type: "create", room: "lobby" });
  const { client, token } = await registered(b.url, "bob", "oneshot");
  servers.track(client);
  await client.call({ type: "join", room: "lobby" });
  return { a, b, alice, token };
}

describe("presence in a cluster", () => {
  test("online while any instance holds the user: leaving one instance is not going offline", async () => {
    const { a, b, alice, token } = await roomOverTwo();
    const onA: TestClient = servers.track(await authed(a.url, token, "listen"));
    await alice.waitFor(namesUser("bob", "online"));
    const onB = await authed(b.url, token, "interactive");
    await onB.close();
    // A message after the close: anything told about bob in between arrives before it.
    await alice.call({ type: "send", room: "lobby", text: "marker" });
    await alice.waitFor((f) => f.type === "message" && f.text === "marker");
    expect(alice.received.some(namesUser("bob", "offline"))).toBe(false);
    const who = await alice.call({ type: "who", room: "lobby" });
    expect(JSON.stringify(who)).toMatch(/"user":"bob","status":"online"/);
    await onA.close();
    await alice.waitFor(namesUser("bob", "offline"));
  });

  test("kill -9 of an instance: its users go offline on the others within the timeout", async () => {
    const { b, alice, token } = await roomOverTwo(["--instance-timeout", "2"]);
    servers.track(await authed(b.url, token, "listen"));
    await alice.waitFor(namesUser("bob", "online"));
    await b.kill();
    await alice.waitFor(namesUser("bob", "offline"), 10_000);
  });
});
