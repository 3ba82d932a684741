/**
 * The deployments the cluster benchmarks compare: the single-process server on JSON files, or
 * Redis, instances over it and HAProxy in front of them; and the users that write through them.
 */
import { startBalancer, type TestBalancer } from "../../tests/helpers/haproxy.ts";
import { pool, registerUser, request, runTag } from "./chat.ts";
import { startRedis, type LocalRedis } from "./redis.ts";
import { type RunningServer, SERVER_CORE, startServer } from "./servers.ts";

/** One way of serving the chat: instances over Redis behind HAProxy, or one process. */
export interface Deployment {
  label: string;
  /** 0: the single-process server on JSON files. */
  instances: number;
  /** Not pinned to the server core. */
  isSpread: boolean;
  /** Where clients connect: the balancer, or the one server. */
  port: number;
  /** Each instance's own port. */
  ports: number[];
  /** The instances' and Redis's processes (HAProxy's CPU is not counted). */
  pids: number[];
  stop(): Promise<void>;
}

/** How many instances (0: one process on JSON files), and whether they may use both cores. */
export interface Plan {
  instances: number;
  isSpread: boolean;
  /** Bun's flags for the first instance (a CPU profile). */
  firstBunArgs?: string[];
}

/** The name of a deployment in the report. */
export function labelOf(plan: Plan): string {
  if (plan.instances === 0) return "one process, JSON files";
  const n = plan.instances;
  return `${n} instance${n > 1 ? "s" : ""} + Redis${plan.isSpread ? ", both cores" : ""}`;
}

/** The single-process server on JSON files. */
export async function single(): Promise<Deployment> {
  const server = await startServer("ours");
  return {
    label: labelOf({ instances: 0, isSpread: false }),
    instances: 0,
    isSpread: false,
    port: server.port,
    ports: [server.port],
    pids: [server.pid],
    stop: () => server.stop(),
  };
}

/** Start Redis, `plan.instances` instances over it and HAProxy in front of them. */
export async function startCluster(plan: Plan): Promise<Deployment> {
  const n = plan.instances;
  // Spread: no pinning, the instances and Redis share both cores with the load generator.
  const core = plan.isSpread ? null : SERVER_CORE;
  const redis: LocalRedis = await startRedis("always", core);
  const instances: RunningServer[] = [];
  let balancer: TestBalancer | null = null;
  const stop = async () => {
    await balancer?.stop();
    await Promise.all(instances.map((s) => s.stop()));
    await redis.stop();
  };
  try {
    for (let i = 0; i < n; i++) {
      const bunArgs = i === 0 ? plan.firstBunArgs : undefined;
      instances.push(
        await startServer("ours", { extraArgs: ["--redis", redis.url], core, bunArgs }),
      );
    }
    balancer = await startBalancer(instances.map((s) => ({ host: "127.0.0.1", port: s.port })));
    await balancer.waitUntilUp(n);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    label: labelOf(plan),
    instances: n,
    isSpread: plan.isSpread,
    port: balancer.port,
    ports: instances.map((s) => s.port),
    pids: [...instances.map((s) => s.pid), redis.pid],
    stop,
  };
}

/** `n` users, each with an open room of its own, made through `port`. */
export async function writers(port: number, n: number): Promise<{ user: string; room: string }[]> {
  const tag = runTag();
  return pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const user = `w${tag}-${i}`;
      const room = `s${tag}-${i}`;
      const { ws } = await registerUser("127.0.0.1", port, user);
      await request(ws, { type: "create", room, open: true });
      ws.close();
      return { user, room };
    },
  );
}
