/**
 * Cluster mode when things fail: an instance killed under its clients (they come back through
 * the balancer and catch up with their cursor), redis-server killed and restarted (the
 * instances recover by themselves), and an instance joining from a snapshot.
 */
import { describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { useCluster } from "../helpers/cluster.ts";
import { freePort } from "../helpers/ports.ts";
import { registered, TestClient } from "../helpers/ws-client.ts";
import { jsonLines, User } from "../cli/helpers.ts";

const cluster = useCluster({ timeoutMs: 60_000 });
const servers = cluster.servers;

/** Send `texts` to `room` one after the other; the texts whose send was acknowledged. */
async function sendAll(client: TestClient, room: string, texts: string[]): Promise<string[]> {
  const acked: string[] = [];
  for (const text of texts) {
    const reply = await client.request({ type: "send", room, text }, 15_000).catch(() => null);
    if (reply?.type === "sent") acked.push(text);
  }
  return acked;
}

describe("failures in a cluster", () => {
  test("kill -9 of the instance a listener is on: it comes back through the balancer and misses nothing", async () => {
    const trusting = ["--trusted-proxy", "127.0.0.1"];
    const a = await cluster.instance({ args: trusting });
    const portB = freePort();
    // Only instance a is up at first.
    const balancer = await cluster.balance([a, { port: portB }], 1);
    const alice = servers.track((await registered(a.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const bob = new User(balancer.url, "bob");
    await bob.ok(["register", "bob", "--password-stdin"], { stdin: "password1\n" });
    await bob.ok(["join", "lobby"]);
    // Only instance a is up: the listener is on it.
    const listening = await bob.listen(["--json"]);
    servers.trackProcess(listening.proc);
    const b = await cluster.instance({ args: [...trusting, "--port", String(portB)] });
    await balancer.waitUntilUp(2);
    const onB = servers.track(await TestClient.connect(b.url));
    await onB.call({ type: "login", user: "alice", password: "password1", mode: "oneshot" });
    const before = await sendAll(onB, "lobby", ["one", "two"]);
    await listening.waitUntil(() => listening.lines.some((l) => l.includes('"two"')), "two");
    await a.kill();
    const after = await sendAll(onB, "lobby", ["three", "four", "five"]);
    await listening.waitUntil(() => listening.lines.some((l) => l.includes('"five"')), "five");
    const texts = jsonLines(listening.lines.join("\n"))
      .filter((f) => f.type === "message")
      .map((f) => f.text);
    expect(texts).toEqual([...before, ...after]);
  });

  test("kill -9 of redis-server: nothing acknowledged is lost and the instances recover", async () => {
    const { alice, bob } = await cluster.lobby();
    const redis = cluster.redis;
    const first = await sendAll(alice, "lobby", ["m1", "m2", "m3"]);
    const sending = sendAll(alice, "lobby", ["m4", "m5", "m6", "m7", "m8"]);
    await redis.kill9();
    await redis.restart();
    const during = await sending;
    // Both instances are back by themselves: a message crosses from a to b again.
    const last = await sendAll(alice, "lobby", ["after the restart"]);
    expect(last).toEqual(["after the restart"]);
    await bob.waitFor((f) => f.type === "message" && f.text === "after the restart", 15_000);
    const history = await bob.call({ type: "history", room: "lobby", limit: 100 });
    const kept = (history.messages as { text: string }[]).map((m) => m.text);
    for (const text of [...first, ...during, ...last]) expect(kept).toContain(text);
    expect(new Set(kept).size).toBe(kept.length);
  });

  test("Redis away longer than the client's own retries: the instances connect again by themselves", async () => {
    const { a, alice, bob } = await cluster.lobby();
    const redis = cluster.redis;
    await redis.kill9();
    // Long enough for Bun's client to give up reconnecting by itself.
    await waitForLog(a.dataDir, "redis_lost", 20_000);
    await redis.restart();
    await waitForLog(a.dataDir, "redis_reconnected", 20_000);
    const sent = await sendAll(alice, "lobby", ["after the outage"]);
    expect(sent).toEqual(["after the outage"]);
    await bob.waitFor((f) => f.type === "message" && f.text === "after the outage", 15_000);
    // The signals connection subscribed again: typing crosses too.
    await alice.call({ type: "typing", room: "lobby", typing: true });
    await bob.waitFor((f) => f.type === "typing" && f.user === "alice", 15_000);
  });

  test("a new instance starts from a snapshot and the tail of a trimmed log", async () => {
    const redis = await cluster.startRedis();
    const snapshots = ["--snapshot-every", "100"];
    const a = await cluster.instance({ args: snapshots });
    const alice = servers.track((await registered(a.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const redisClient = new RedisClient(redis.url);
    servers.track(redisClient);
    await redisClient.connect();
    // The position the log was trimmed to, once it is trimmed (0 before).
    const trimmed = async (): Promise<number> => {
      const to = Number((await redisClient.get("chat:trimmed-to")) ?? "0");
      const first = (await redisClient.send("XRANGE", ["chat:log", "-", "+", "COUNT", "1"])) as
        [string, string[]][] | null;
      return to > 0 && Number.parseInt(first?.[0]?.[0] ?? "0", 10) >= to ? to : 0;
    };
    // Sent in rounds until a second snapshot has trimmed the log behind the first.
    const texts: string[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 50 }, (_, i) => `message ${round}.${i}`);
      await Promise.all(batch.map((text) => alice.call({ type: "send", room: "lobby", text })));
      texts.push(...batch);
      if ((await trimmed()) > 0) break;
    }
    // The log starts at the trimmed position now: the changes before it are only in snapshots.
    const trimmedTo = await trimmed();
    expect(trimmedTo).toBeGreaterThan(0);
    const first = (await redisClient.send("XRANGE", ["chat:log", "-", "+", "COUNT", "1"])) as [
      string,
      string[],
    ][];
    expect(Number.parseInt(first[0]![0], 10)).toBeGreaterThanOrEqual(trimmedTo);
    const c = await cluster.instance({ args: snapshots });
    const onC = servers.track(await TestClient.connect(c.url));
    await onC.call({ type: "login", user: "alice", password: "password1", mode: "oneshot" });
    const history = await onC.call({ type: "history", room: "lobby", limit: 100 });
    const kept = (history.messages as { text: string }[]).map((m) => m.text);
    expect(kept).toEqual(texts.slice(-100));
  });
});

/** Wait until the server log in `dir` has a line with `event`. */
async function waitForLog(dir: string, event: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = await Bun.file(`${dir}/server.log`)
      .text()
      .catch(() => "");
    if (log.includes(` ${event} `)) return;
    await Bun.sleep(100);
  }
  throw new Error(`no ${event} in the server log within ${timeoutMs} ms`);
}
