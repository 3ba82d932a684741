/**
 * The harness of the cluster tests, checked against the real programs: a private redis-server
 * keeps what it acknowledged across SIGKILL, and HAProxy spreads WebSockets round robin over
 * healthy backends only. Skipped where redis-server or haproxy is not installed.
 */
import { RedisClient, type Server } from "bun";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { HAS_HAPROXY, startBalancer, type TestBalancer } from "../helpers/haproxy.ts";
import { HAS_REDIS, pingRedis, startRedis, type TestRedis } from "../helpers/redis.ts";

const REDIS_HELPER = join(import.meta.dir, "../helpers/redis.ts");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(opts?: Parameters<typeof startRedis>[0]): Promise<TestRedis> {
  const r = await startRedis(opts);
  cleanups.push(() => r.stop());
  return r;
}

async function client(url: string): Promise<RedisClient> {
  const c = new RedisClient(url);
  await c.connect();
  cleanups.push(() => c.close());
  return c;
}

describe.if(HAS_REDIS)("startRedis", () => {
  test("answers PING and runs with the append-only file fsynced on every write", async () => {
    const r = await redis();
    expect(r.url).toBe(`redis://127.0.0.1:${r.port}`);
    const c = await client(r.url);
    expect(await c.send("PING", [])).toBe("PONG");
    expect(await c.send("CONFIG", ["GET", "appendfsync"])).toEqual({ appendfsync: "always" });
    expect(await c.send("CONFIG", ["GET", "appendonly"])).toEqual({ appendonly: "yes" });
    expect(await c.send("CONFIG", ["GET", "dir"])).toEqual({ dir: r.dir });
  });

  test("appendfsync everysec on request, for the refuse-to-start test", async () => {
    const c = await client((await redis({ appendfsync: "everysec" })).url);
    expect(await c.send("CONFIG", ["GET", "appendfsync"])).toEqual({ appendfsync: "everysec" });
  });

  test("an acknowledged key survives kill9() and restart() on the same port", async () => {
    const r = await redis();
    const before = await client(r.url);
    expect(await before.send("SET", ["survivor", "still here"])).toBe("OK");
    await r.kill9();
    await expect(pingRedis(r.url)).rejects.toThrow();
    await r.restart();
    const after = await client(r.url);
    expect(await after.send("GET", ["survivor"])).toBe("still here");
  });

  test("stop() ends the process, removes its folder and may be called twice", async () => {
    const r = await startRedis();
    expect(existsSync(r.dir)).toBe(true);
    await r.stop();
    await r.stop();
    expect(existsSync(r.dir)).toBe(false);
    await expect(pingRedis(r.url)).rejects.toThrow();
    await expect(r.restart()).rejects.toThrow("was stopped");
  });

  test("a redis-server never outlives the process that started it, even one that skips stop()", async () => {
    const script = `const r = await startRedis(); console.log(r.url); process.exit(0);`;
    const run = Bun.spawnSync([
      process.execPath,
      "-e",
      `import { startRedis } from ${JSON.stringify(REDIS_HELPER)}; ${script}`,
    ]);
    const url = run.stdout.toString().trim();
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const deadline = Date.now() + 3000;
    while (await pingRedis(url).catch(() => null)) {
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} outlived its parent`);
      await Bun.sleep(25);
    }
  });
});

/**
 * A tiny instance: /health answers 200, a WebSocket is told the instance's name. HAProxy's check
 * is HTTP/1.0 with no Host header, so the request's URL is a bare path (as in the server's own).
 */
function backend(name: string): Server<undefined> {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) =>
      new URL(req.url, "http://localhost").pathname === "/health"
        ? new Response("ok")
        : srv.upgrade(req)
          ? undefined
          : new Response("upgrade expected", { status: 400 }),
    websocket: { open: (ws) => void ws.send(name), message() {} },
  });
  cleanups.push(() => server.stop(true));
  return server;
}

/** Which backend a new WebSocket through the balancer reaches. */
function reached(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onmessage = (ev) => {
      resolve(String(ev.data));
      ws.close();
    };
    ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
  });
}

async function reachedInTurn(url: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(await reached(url));
  return names;
}

describe.if(HAS_HAPROXY)("startBalancer", () => {
  test("spreads WebSockets round robin, and only over backends that pass /health", async () => {
    const a = backend("a");
    const b = backend("b");
    const lb: TestBalancer = await startBalancer([
      { host: "127.0.0.1", port: a.port ?? 0 },
      { host: "127.0.0.1", port: b.port ?? 0 },
    ]);
    cleanups.push(() => lb.stop());
    expect(lb.config).toContain("balance roundrobin");
    await lb.waitUntilUp(2);
    const names = await reachedInTurn(lb.url, 4);
    expect(names.toSorted()).toEqual(["a", "a", "b", "b"]);
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toBe(names[0]);

    await a.stop(true);
    await lb.waitUntilUp(1);
    expect((await lb.servers()).map((s) => s.status)).toEqual(["DOWN", "UP"]);
    expect(await reachedInTurn(lb.url, 3)).toEqual(["b", "b", "b"]);
  });
});
