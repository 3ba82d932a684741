/**
 * The one harness of the cluster tests: a real redis-server, instances of the server over it
 * and a real HAProxy in front, each started on free ports in temp folders and stopped after
 * every test, whether it passed or failed.
 */
import { afterEach } from "bun:test";
import { startBalancer } from "./haproxy.ts";
import type { TestBalancer } from "./haproxy.ts";
import { startRedis } from "./redis.ts";
import type { RedisOptions, TestRedis } from "./redis.ts";
import type { StartOptions, TestServer } from "./server.ts";
import { useServer } from "./use-server.ts";
import type { ServerHarness } from "./use-server.ts";
import { registered } from "./ws-client.ts";
import type { TestClient } from "./ws-client.ts";

/**
 * Two instances, alice (on the first) in her room `lobby`, bob (on the second) a member over
 * a one-shot connection: he hears the room but is not online until a test connects him.
 */
export interface Lobby {
  a: TestServer;
  b: TestServer;
  alice: TestClient;
  bob: TestClient;
  /** bob's session token, to connect him anywhere. */
  bobToken: string;
}

/** Redis, the instances and the balancer of one test. */
export class ClusterHarness {
  readonly servers: ServerHarness;
  #redis: TestRedis | null = null;
  #balancer: TestBalancer | null = null;

  /** Over the test file's servers. */
  constructor(servers: ServerHarness) {
    this.servers = servers;
  }

  /** This test's Redis; throws before `startRedis`. */
  get redis(): TestRedis {
    if (!this.#redis) throw new Error("no Redis: call startRedis() first");
    return this.#redis;
  }

  /** This test's balancer; throws before `balance`. */
  get balancer(): TestBalancer {
    if (!this.#balancer) throw new Error("no balancer: call balance() first");
    return this.#balancer;
  }

  /** Start this test's redis-server. */
  async startRedis(opts?: RedisOptions): Promise<TestRedis> {
    this.#redis = await startRedis(opts);
    return this.#redis;
  }

  /** The flags of an instance of this test's cluster, with `extra`. */
  args(...extra: string[]): string[] {
    return ["--redis", this.redis.url, ...extra];
  }

  /** Start an instance (`--redis` added to `opts.args`); Redis first when none runs yet. */
  async instance(opts: StartOptions = {}): Promise<TestServer> {
    if (!this.#redis) await this.startRedis();
    return this.servers.start({ ...opts, args: this.args(...(opts.args ?? [])) });
  }

  /** Start `n` instances with the flags `extra`. */
  async instances(n: number, ...extra: string[]): Promise<TestServer[]> {
    const out: TestServer[] = [];
    for (let i = 0; i < n; i++) out.push(await this.instance({ args: extra }));
    return out;
  }

  /** HAProxy in front of `backends` (instances, or ports still to start), `up` of them up. */
  async balance(backends: { port: number }[], up = backends.length): Promise<TestBalancer> {
    this.#balancer = await startBalancer(
      backends.map((b) => ({ host: "127.0.0.1", port: b.port })),
    );
    await this.#balancer.waitUntilUp(up);
    return this.#balancer;
  }

  /** Two instances with the flags `extra`, alice's room on the first, bob joined on the second. */
  async lobby(...extra: string[]): Promise<Lobby> {
    const [a, b] = (await this.instances(2, ...extra)) as [TestServer, TestServer];
    const alice = this.servers.track((await registered(a.url, "alice")).client);
    await alice.call({ type: "create", room: "lobby" });
    const { client: bob, token: bobToken } = await registered(b.url, "bob", "oneshot");
    this.servers.track(bob);
    await bob.call({ type: "join", room: "lobby" });
    return { a, b, alice, bob, bobToken };
  }

  /** The teardown: clients, then the balancer, the instances, and Redis. */
  async endTest(): Promise<void> {
    await this.servers.closeTracked();
    await this.#balancer?.stop();
    this.#balancer = null;
    await this.servers.endTest();
    await this.#redis?.stop();
    this.#redis = null;
  }
}

/** The cluster harness of a test file: everything a test started is stopped after it. */
export function useCluster(opts: { timeoutMs?: number } = {}): ClusterHarness {
  const cluster = new ClusterHarness(useServer(opts));
  afterEach(() => cluster.endTest());
  return cluster;
}
