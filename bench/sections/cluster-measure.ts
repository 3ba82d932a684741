/**
 * The measurements of the cluster section: stored messages, fan-out and latency through one
 * deployment, and the latency of one process and of two instances taking turns.
 */
import { runLoadgen } from "../lib/runner.ts";
import { type Deployment, single, startCluster, writers } from "../lib/deployments.ts";
import type { FanoutResult } from "../scenarios/fanout.ts";
import type { LatencyResult } from "../scenarios/latency.ts";
import type { StorageResult } from "../scenarios/storage.ts";
import { oneLine, type Params, progress, rotate } from "./common.ts";

/** Deliveries per second at which latency is compared (sends/s x room size). */
export const RATE = 100_000;

/** Sizes of one run: the full suite, or --quick. */
export function sizes(p: Params) {
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

/** The figures of one deployment; null where a run failed. */
export interface Row {
  d: Deployment;
  stored: StorageResult | null;
  fanout: FanoutResult | null;
  latency: LatencyResult | null;
  cross: LatencyResult | null;
}

/** Latency of one process and across two instances, alternating, both deployments running. */
export interface Pairs {
  single: LatencyResult[];
  cross: LatencyResult[];
}

/**
 * The target's comparison: the one process and a 2-instance cluster run side by side and take
 * turns, so that both see the same moments of a shared machine; a p99 of one run swings more
 * than the difference under test.
 */
export async function pairedLatency(p: Params, notes: string[]): Promise<Pairs> {
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

/** Stored messages, fan-out, latency and (with 2 instances or more) cross-instance latency. */
export async function measure(p: Params, d: Deployment, notes: string[]): Promise<Row> {
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
