/**
 * Cluster mode against the single-process server, in one run: 1, 2 and 3 instances over one
 * Redis (append-only file fsynced on every write) behind HAProxy, and the server on JSON files.
 * Acknowledged stored messages/s, fan-out deliveries/s, latency at a fixed load through the
 * balancer, and latency from a sender on instance 1 to a receiver on instance 2.
 */
import { HAS_HAPROXY, startBalancer, type TestBalancer } from "../../tests/helpers/haproxy.ts";
import { pool, registerUser, request, runTag } from "../lib/chat.ts";
import { redisVersion, startRedis, type LocalRedis } from "../lib/redis.ts";
import { atLeast, atMost, median, num, pct, ratio, type Section } from "../lib/report.ts";
import { runLoadgen } from "../lib/runner.ts";
import { type RunningServer, SERVER_CORE, startServer } from "../lib/servers.ts";
import type { FanoutResult } from "../scenarios/fanout.ts";
import type { LatencyResult } from "../scenarios/latency.ts";
import type { StorageResult } from "../scenarios/storage.ts";
import { oneLine, type Params, progress, rotate } from "./common.ts";

/** Deliveries per second at which latency is compared (sends/s x room size). */
const RATE = 100_000;

/** Sizes of one run: the full suite, or --quick. */
function sizes(p: Params) {
  return p.quick
    ? {
        senders: 4,
        window: 16,
        storeSeconds: 0.3,
        clients: 8,
        perRound: 50,
        fanSeconds: 0,
        latSeconds: 0.3,
        warmup: 0.1,
        pairs: 1,
      }
    : {
        senders: 16,
        window: 64,
        storeSeconds: 2,
        clients: 32,
        perRound: 400,
        fanSeconds: 2,
        latSeconds: 2,
        warmup: 0.5,
        pairs: 3,
      };
}

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

function labelOf(plan: Plan): string {
  if (plan.instances === 0) return "one process, JSON files";
  const n = plan.instances;
  return `${n} instance${n > 1 ? "s" : ""} + Redis${plan.isSpread ? ", both cores" : ""}`;
}

interface Row {
  d: Deployment;
  stored: StorageResult | null;
  fanout: FanoutResult | null;
  latency: LatencyResult | null;
  cross: LatencyResult | null;
}

/** Run the cluster comparison. */
export async function clusterSection(p: Params): Promise<Section> {
  const notes: string[] = [];
  const counts = HAS_HAPROXY && Bun.which("redis-server") ? [1, 2, 3] : [];
  if (counts.length === 0) notes.push("redis-server or haproxy is not installed: no cluster rows.");
  const rows: Row[] = [];
  const plans: Plan[] = [
    { instances: 0, isSpread: false },
    ...counts.map((n) => ({ instances: n, isSpread: false })),
    ...(counts.length ? [{ instances: 2, isSpread: true }] : []),
  ];
  for (const plan of plans) {
    const label = labelOf(plan);
    let d: Deployment | null = null;
    try {
      d = plan.instances === 0 ? await single() : await startCluster(plan);
      rows.push(await measure(p, d, notes));
    } catch (err) {
      notes.push(`${label} failed: ${oneLine(err)}`);
    } finally {
      await d?.stop();
    }
  }
  const pairs = counts.length ? await pairedLatency(p, notes) : { single: [], cross: [] };
  return report(p, rows, pairs, notes);
}

/** Latency of one process and across two instances, alternating, both deployments running. */
interface Pairs {
  single: LatencyResult[];
  cross: LatencyResult[];
}

/**
 * The target's comparison: the one process and a 2-instance cluster run side by side and take
 * turns, so that both see the same moments of a shared machine; a p99 of one run swings more
 * than the difference under test.
 */
async function pairedLatency(p: Params, notes: string[]): Promise<Pairs> {
  const out: Pairs = { single: [], cross: [] };
  let one: Deployment | null = null;
  let two: Deployment | null = null;
  try {
    one = await single();
    two = await startCluster({ instances: 2, isSpread: false });
    for (let rep = 0; rep < sizes(p).pairs; rep++) {
      for (const d of rotate([one, two], rep)) {
        const isCross = d === two;
        const what = `${isCross ? "cross-instance" : "one process"} latency, pair ${rep + 1}`;
        const r = await attempt<LatencyResult>(d, what, notes, {
          ...latencyConfig(p),
          port: d.ports[0],
          ...(isCross ? { receiverPort: d.ports[1] } : {}),
        });
        if (r) (isCross ? out.cross : out.single).push(r);
      }
    }
  } catch (err) {
    notes.push(`paired latency failed: ${oneLine(err)}`);
  } finally {
    await one?.stop();
    await two?.stop();
  }
  return out;
}

/** Run one load-generator scenario against `d`; null (and a note) when it fails. */
async function attempt<R>(
  d: Deployment,
  what: string,
  notes: string[],
  config: Record<string, unknown>,
): Promise<R | null> {
  progress(`cluster: ${d.label}: ${what}`);
  try {
    return await runLoadgen<R>({
      kind: "ours",
      host: "127.0.0.1",
      port: d.port,
      serverPid: d.pids,
      ...config,
    });
  } catch (err) {
    notes.push(`${d.label}, ${what} failed: ${oneLine(err)}`);
    return null;
  }
}

/** The open-loop latency scenario at RATE. */
function latencyConfig(p: Params): Record<string, unknown> {
  const s = sizes(p);
  return {
    scenario: "latency",
    clients: s.clients,
    rate: RATE,
    seconds: s.latSeconds,
    warmupSeconds: s.warmup,
    drainSeconds: 2,
  };
}

async function single(): Promise<Deployment> {
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

async function measure(p: Params, d: Deployment, notes: string[]): Promise<Row> {
  const s = sizes(p);
  const users = await writers(d.port, s.senders);
  const stored = await attempt<StorageResult>(d, "stored messages", notes, {
    scenario: "storage",
    users: users.map((u) => u.user),
    rooms: users.map((u) => u.room),
    ownRoom: true,
    window: s.window,
    warmupSeconds: s.warmup,
    seconds: s.storeSeconds,
  });
  const fanout = await attempt<FanoutResult>(d, "fan-out", notes, {
    scenario: "fanout",
    clients: s.clients,
    perRound: s.perRound,
    warmupRounds: 1,
    minRounds: 1,
    maxRounds: 50,
    minSeconds: s.fanSeconds,
  });
  const latency = await attempt<LatencyResult>(d, "latency", notes, latencyConfig(p));
  const cross =
    d.instances >= 2
      ? await attempt<LatencyResult>(d, "cross-instance latency", notes, {
          ...latencyConfig(p),
          port: d.ports[0],
          receiverPort: d.ports[1],
        })
      : null;
  return { d, stored, fanout, latency, cross };
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

function report(p: Params, rows: Row[], pairs: Pairs, notes: string[]): Section {
  const s = sizes(p);
  const ms = (x: number | null | undefined): string =>
    x === null ? "unbounded" : x === undefined ? "-" : num(x, 2);
  const baseline = rows.find((r) => r.d.instances === 0);
  const clustered = rows.filter((r) => r.d.instances > 0);
  const bestStored = clustered.reduce<Row | null>(
    (best, r) => ((r.stored?.ackedPerSec ?? 0) > (best?.stored?.ackedPerSec ?? 0) ? r : best),
    null,
  );
  // JSON turns an unbounded latency (Infinity) into null.
  const p99s = (list: LatencyResult[]): number => median(list.map((r) => r.p99 ?? Infinity));
  const p50s = (list: LatencyResult[]): number => median(list.map((r) => r.p50 ?? Infinity));
  const singleP99 = p99s(pairs.single);
  const crossP99 = p99s(pairs.cross);
  const runs = (list: LatencyResult[]): string => list.map((r) => ms(r.p99)).join(", ");
  const storedRate = bestStored?.stored?.ackedPerSec ?? NaN;
  const ratios = [
    `cross-instance (2 instances) / one process at ${num(RATE)} deliveries/s, medians of ` +
      `${pairs.cross.length} and ${pairs.single.length} alternating runs: p99 ` +
      `**${ratio(crossP99, singleP99)}** (${ms(crossP99)} ms / ${ms(singleP99)} ms; runs: ` +
      `${runs(pairs.cross)} / ${runs(pairs.single)}), p50 ` +
      `${ms(p50s(pairs.cross))} ms / ${ms(p50s(pairs.single))} ms`,
    ...clustered.map(
      (r) =>
        `${r.d.label} / one process: stored ` +
        `${ratio(r.stored?.ackedPerSec ?? NaN, baseline?.stored?.ackedPerSec ?? NaN)}, fan-out ` +
        `${ratio(r.fanout?.deliveriesPerSec ?? NaN, baseline?.fanout?.deliveriesPerSec ?? NaN)}`,
    ),
  ];
  return {
    title: "Cluster",
    method:
      `The same server as one process on JSON files, and as 1, 2 and 3 instances ` +
      `(\`--redis\`) over one redis-server ${redisVersion()} with \`appendonly yes\` and ` +
      `\`appendfsync always\`, behind HAProxy (HTTP mode, round robin, health check on ` +
      `/health: the configuration of the README). The instances and Redis run on the server ` +
      `core, as the one process does (the same CPU for the server side), HAProxy where the ` +
      `system puts it; the "both cores" row leaves the instances and Redis unpinned, sharing ` +
      `both cores with the load generator. Clients connect to the balancer, so they are ` +
      `spread over the instances. Stored: ${s.senders} users, each ` +
      `sending to an open room of its own (${s.window} \`send\`s in flight each), count the ` +
      `\`sent\` acknowledgements, given once the message is durable (fsync'd JSON journal, or ` +
      `in Redis's fsync'd append-only file and applied), ${s.warmup} s warm-up, ` +
      `${s.storeSeconds} s measured. Fan-out: ${s.clients} clients in one room, each sends ` +
      `${s.perRound} messages a round (closed loop, at least ${s.fanSeconds} s). Latency: ` +
      `open loop at ${num(RATE)} deliveries/s (${num(RATE / s.clients)} sends/s into a room ` +
      `of ${s.clients}), from the scheduled send time to the delivery at a member that sends ` +
      `nothing, ${s.latSeconds} s measured. Cross-instance: the same load, the ${s.clients - 1} ` +
      `senders connected directly to instance 1, the receiver directly to instance 2. One run ` +
      `of each for the table; for the target, the one process and a 2-instance cluster run ` +
      `side by side and take turns, ${s.pairs} runs each, compared by their median p99 ` +
      `(neither through the balancer); server CPU adds up the instances and Redis (not HAProxy), as a share of one ` +
      `core. Milliseconds.`,
    header: [
      "deployment",
      "acked stored msgs/s",
      "fan-out deliveries/s",
      "p50",
      "p99",
      "cross-instance p50",
      "cross-instance p99",
      "server CPU (stored / fan-out / latency)",
    ],
    rows: rows.map((r) => [
      r.d.label,
      num(r.stored?.ackedPerSec ?? NaN),
      num(r.fanout?.deliveriesPerSec ?? NaN),
      ms(r.latency?.p50),
      ms(r.latency?.p99),
      ms(r.cross?.p50),
      ms(r.cross?.p99),
      [r.stored?.serverCpu, r.fanout?.serverCpu, r.latency?.serverCpu]
        .map((x) => pct(x ?? NaN))
        .join(" / "),
    ]),
    ratios,
    targets: [
      atMost(
        `Cross-instance p99 at ${num(RATE)} deliveries/s vs one process`,
        "<= 2x",
        crossP99 / singleP99,
        2,
        ratio(crossP99, singleP99),
      ),
      atLeast(
        "Acked stored msgs/s through Redis, appendfsync always",
        ">= 50,000/s",
        storedRate,
        50_000,
        `${num(storedRate)}/s (${bestStored?.d.label ?? "none"})`,
      ),
    ],
    notes,
  };
}
