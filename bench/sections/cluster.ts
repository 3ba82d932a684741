/**
 * Cluster mode against the single-process server, in one run: 1, 2 and 3 instances over one
 * Redis (append-only file fsynced on every write) behind HAProxy, and the server on JSON files.
 * Acknowledged stored messages/s, fan-out deliveries/s, latency at a fixed load through the
 * balancer, and latency from a sender on instance 1 to a receiver on instance 2.
 */
import { HAS_HAPROXY } from "../../tests/helpers/haproxy.ts";
import { type Deployment, labelOf, type Plan, single, startCluster } from "../lib/deployments.ts";
import { redisVersion } from "../lib/redis.ts";
import { atLeast, atMost, median, num, pct, ratio, type Section } from "../lib/report.ts";
import type { LatencyResult } from "../scenarios/latency.ts";
import { measure, pairedLatency, type Pairs, RATE, type Row, sizes } from "./cluster-measure.ts";
import { oneLine, type Params } from "./common.ts";

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
