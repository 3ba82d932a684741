/**
 * Presence across a cluster: a user is online while any instance holds a live connection of
 * theirs, and the users of an instance that died go offline once it is unheard of.
 */
import { describe, expect, test } from "bun:test";
import { entriesOf, namesUser } from "../helpers/presence.ts";
import { useCluster } from "../helpers/cluster.ts";
import type { TestClient } from "../helpers/ws-client.ts";
import { authed } from "../helpers/ws-client.ts";

const cluster = useCluster();
const servers = cluster.servers;

describe("presence in a cluster", () => {
  test("online while any instance holds the user: leaving one instance is not going offline", async () => {
    const { a, b, alice, bobToken: token } = await cluster.lobby();
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
    const { b, alice, bobToken: token } = await cluster.lobby("--instance-timeout", "2");
    servers.track(await authed(b.url, token, "listen"));
    await alice.waitFor(namesUser("bob", "online"));
    await b.kill();
    await alice.waitFor(namesUser("bob", "offline"), 10_000);
  });
});

describe("presence after Redis was away", () => {
  test("an outage longer than --instance-timeout: once Redis is back, a user still connected shows online again", async () => {
    const { b, alice, bobToken } = await cluster.lobby("--instance-timeout", "1");
    servers.track(await authed(b.url, bobToken, "listen"));
    await alice.waitFor(namesUser("bob", "online"));
    await cluster.redis.kill9();
    // Unheard of for longer than the timeout: each instance drops the other's users.
    await alice.waitFor(namesUser("bob", "offline"), 10_000);
    await cluster.redis.restart();
    // Back: the instances tell each other everything again.
    await alice.waitFor(namesUser("bob", "online"), 15_000);
    const who = await alice.call({ type: "who", room: "lobby" });
    expect(who.users).toContainEqual({ user: "bob", status: "online", typing: false });
  });
});
