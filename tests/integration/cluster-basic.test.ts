/**
 * Cluster mode over a real redis-server: two instances of the server share one chat, each
 * client on its own instance sees what it would see on one server.
 */
import { describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { namesUser } from "../helpers/presence.ts";
import { useCluster } from "../helpers/cluster.ts";
import { startRedis } from "../helpers/redis.ts";
import { tempDir } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";

const cluster = useCluster();
const servers = cluster.servers;

describe("two instances over one Redis", () => {
  test("a room made on one is joined on the other, and messages cross both ways", async () => {
    const [a, b] = await cluster.instances(2);
    const alice = servers.track((await registered(a!.url, "alice")).client);
    const bob = servers.track((await registered(b!.url, "bob")).client);
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    await alice.call({ type: "send", room: "lobby", text: "hello from a" });
    const heard = await bob.waitFor((f) => f.type === "message" && f.text === "hello from a");
    expect(heard.from).toBe("alice");
    await bob.call({ type: "send", room: "lobby", text: "hello from b" });
    const back = await alice.waitFor((f) => f.type === "message" && f.text === "hello from b");
    expect(back.from).toBe("bob");
    // The same seq on both instances: one log.
    expect(String(back.seq) > String(heard.seq)).toBe(true);
  });

  test("a DM reaches a user connected to the other instance", async () => {
    const [a, b] = await cluster.instances(2);
    const alice = servers.track((await registered(a!.url, "alice")).client);
    const bob = servers.track((await registered(b!.url, "bob")).client);
    await alice.call({ type: "dm", to: "bob", text: "psst" });
    const dm = await bob.waitFor((f) => f.type === "dm" && f.text === "psst");
    expect(dm.from).toBe("alice");
  });

  test("the same room name created on both at once: one gets conflict", async () => {
    const [a, b] = await cluster.instances(2);
    const alice = servers.track((await registered(a!.url, "alice")).client);
    const bob = servers.track((await registered(b!.url, "bob")).client);
    const replies = await Promise.all([
      alice.request({ type: "create", room: "race" }),
      bob.request({ type: "create", room: "race" }),
    ]);
    const codes = replies.map((r) => (r.type === "error" ? r.code : "ok")).sort();
    expect(codes).toEqual(["conflict", "ok"]);
    const winner = replies[0]!.type === "error" ? "bob" : "alice";
    const rooms = await alice.call({ type: "rooms" });
    const race = (rooms.rooms as { name: string; admin: string }[]).find((r) => r.name === "race");
    expect(race?.admin).toBe(winner);
  });
});

describe("durability of what Redis acknowledges", () => {
  test("a Redis that fsyncs once a second is refused at start, unless --redis-unsafe says so", async () => {
    const redis = await cluster.startRedis({ appendfsync: "everysec" });
    const refused = await runInstance(["--redis", redis.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("appendfsync everysec");
    expect(refused.stderr).toContain("--redis-unsafe");
    const server = await cluster.instance({ args: ["--redis-unsafe"] });
    const alice = servers.track((await registered(server.url, "alice")).client);
    expect((await alice.call({ type: "create", room: "lobby" })).type).toBe("room");
  });
});

/** Run an instance as an operator would, until it exits by itself (or 15 s). */
async function runInstance(args: string[]): Promise<{ code: number; stderr: string }> {
  const cmd = ["bun", "server/main.ts", "--host", "127.0.0.1", "--port", "0"];
  const proc = Bun.spawn([...cmd, "--data", tempDir(), ...args], {
    cwd: `${import.meta.dir}/../..`,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stderr };
}

describe("passing signals across instances", () => {
  test("typing and presence on one instance reach a member on the other", async () => {
    const [a, b] = await cluster.instances(2);
    const alice = servers.track((await registered(a!.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const { client: bob, token } = await registered(b!.url, "bob", "oneshot");
    servers.track(bob);
    await bob.call({ type: "join", room: "lobby" });
    await alice.call({ type: "typing", room: "lobby", typing: true });
    const typing = await bob.waitFor((f) => f.type === "typing" && f.user === "alice");
    expect(typing.typing).toBe(true);
    // `who` on instance b shows it too.
    const who = await bob.call({ type: "who", room: "lobby" });
    const aliceInWho = (who.users as { user: string; typing: boolean }[]).find(
      (u) => u.user === "alice",
    );
    expect(aliceInWho?.typing).toBe(true);
    // bob comes online on instance b: alice, on a, hears it.
    servers.track(await authed(b!.url, token, "interactive"));
    await alice.waitFor(namesUser("bob", "online"));
  });
});

describe("limits across instances", () => {
  test("the message rate limit counts what a user sent on every instance", async () => {
    const [a, b] = (await cluster.instances(2, "--rate-limit")) as [TestServer, TestServer];
    const onA = servers.track((await registered(a.url, "alice")).client);
    await onA.call({ type: "create", room: "lobby" });
    const onB = servers.track(await TestClient.connect(b.url));
    await onB.call({ type: "login", user: "alice", password: "password1", mode: "oneshot" });
    const send = (client: TestClient, i: number) =>
      client.request({ type: "send", room: "lobby", text: `m${i}` });
    // Most of the burst of 20 is spent on instance a...
    const first = await Promise.all(Array.from({ length: 15 }, (_, i) => send(onA, i)));
    expect(first.every((r) => r.type === "sent")).toBe(true);
    // ...and instance b hears of it: the next 15, on b, do not all pass.
    await Bun.sleep(400);
    const second = await Promise.all(Array.from({ length: 15 }, (_, i) => send(onB, 15 + i)));
    const refused = second.filter((r) => r.type === "error" && r.code === "rate_limited");
    expect(refused.length).toBeGreaterThan(0);
    expect(second.length - refused.length).toBeLessThan(15);
  });
});

describe("connection quotas across instances", () => {
  test("a user's connections on every instance count against --max-connections-per-user", async () => {
    const max = ["--max-connections-per-user", "2"];
    const [a, b] = (await cluster.instances(2, ...max)) as [TestServer, TestServer];
    const { client, token } = await registered(a.url, "alice", "listen");
    servers.track(client);
    servers.track(await authed(a.url, token, "listen"));
    // Two on instance a: instance b hears of them and refuses a third.
    await Bun.sleep(400);
    const third = servers.track(await TestClient.connect(b.url));
    const refused = await third.request({ type: "auth", token, mode: "listen" });
    expect(refused.type).toBe("error");
    expect(refused.code).toBe("rate_limited");
    expect(String(refused.message)).toContain("already has 2 connections");
    // One closes: a connection on b is let in.
    await client.close();
    await Bun.sleep(400);
    const fourth = servers.track(await TestClient.connect(b.url));
    expect((await fourth.request({ type: "auth", token, mode: "listen" })).type).toBe("session");
  });
});

describe("waiting for replicas", () => {
  test("--redis-replicas 1: acknowledged once a replica has it; not acknowledged when the replica is gone", async () => {
    const redis = await cluster.startRedis();
    const replica = await startRedis({ replicaOf: { host: "127.0.0.1", port: redis.port } });
    servers.track(replica);
    await replicaOnline(redis.url);
    const server = await cluster.instance({ args: ["--redis-replicas", "1"] });
    const alice = servers.track((await registered(server.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const sent = await alice.request({ type: "send", room: "lobby", text: "replicated" });
    expect(sent.type).toBe("sent");
    await replica.stop();
    const refused = await alice.request({ type: "send", room: "lobby", text: "not replicated" });
    expect(refused.type).toBe("error");
    expect(refused.code).toBe("internal");
    // Redis itself has it: the client is told it may have been kept, not that it was not.
    expect(String(refused.message)).toContain("only 0 of 1 replicas have it");
    expect(String(refused.message)).toContain("may or may not have been kept");
  });
});

/** Wait until the Redis at `url` has a replica in sync. */
async function replicaOnline(url: string): Promise<void> {
  const client = servers.track(new RedisClient(url));
  await client.connect();
  for (let i = 0; i < 100; i++) {
    const info = String(await client.send("INFO", ["replication"]));
    if (/slave0:.*state=online/.test(info)) return;
    await Bun.sleep(100);
  }
  throw new Error("the replica did not come online within 10 s");
}

describe("the cluster's address in the environment", () => {
  test("CHAT_REDIS_URL makes an instance of the same chat as --redis", async () => {
    const byFlag = await cluster.instance();
    const byEnv = await servers.start({ env: { CHAT_REDIS_URL: cluster.redis.url } });
    const alice = servers.track((await registered(byFlag.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const bob = servers.track((await registered(byEnv.url, "bob")).client);
    expect((await bob.call({ type: "join", room: "lobby" })).status).toBe("joined");
  });
});
