/** Section 2: latency at fixed offered rates (open loop). */
import type { ServerKind } from "../lib/servers.ts";
import { atMost, median, num, pct, ratio, type Section } from "../lib/report.ts";
import type { LatencyResult } from "../scenarios/latency.ts";
import {
  availableKinds,
  LABEL,
  oneLine,
  type Params,
  progress,
  rotate,
  withServer,
} from "./common.ts";

/** The rate at which the p99 target applies. */
const TARGET_RATE = 100_000;

/** Run the latency comparison. */
export async function latencySection(p: Params): Promise<Section> {
  const kinds = availableKinds();
  const key = (k: ServerKind, rate: number): string => `${k}@${rate}`;
  const runs = new Map<string, LatencyResult[]>();
  const notes: string[] = [];
  let turn = 0;
  for (const rate of p.latency.rates) {
    for (let rep = 0; rep < p.reps; rep++) {
      for (const kind of rotate(kinds, turn++)) {
        progress(`latency ${num(rate)}/s rep ${rep + 1}/${p.reps}: ${kind}`);
        try {
          const { result } = await withServer<LatencyResult>(kind, {
            scenario: "latency",
            rate,
            ...p.latency,
          });
          const list = runs.get(key(kind, rate)) ?? [];
          list.push(result);
          runs.set(key(kind, rate), list);
        } catch (err) {
          notes.push(`Run ${rep + 1} of ${kind} at ${num(rate)}/s failed: ${oneLine(err)}`);
        }
      }
    }
  }
  const ms = (x: number): string => (x === Infinity || x === null ? "unbounded" : num(x, 2));
  // JSON turns Infinity into null: a run that did not deliver everything.
  const val = (x: number | null): number => (x === null ? Infinity : x);
  const med = (k: ServerKind, rate: number, f: (r: LatencyResult) => number | null): number =>
    median((runs.get(key(k, rate)) ?? []).map((r) => val(f(r))));
  const rows: string[][] = [];
  for (const rate of p.latency.rates) {
    for (const k of kinds) {
      const list = runs.get(key(k, rate)) ?? [];
      const sent = list.reduce((s, r) => s + r.sent, 0);
      const got = list.reduce((s, r) => s + r.received, 0);
      rows.push([
        num(rate),
        LABEL[k],
        ms(med(k, rate, (r) => r.p50)),
        ms(med(k, rate, (r) => r.p99)),
        ms(med(k, rate, (r) => r.p999)),
        ms(med(k, rate, (r) => r.max)),
        sent ? `${num((got / sent) * 100, 1)}%` : "n/a",
        pct(med(k, rate, (r) => r.serverCpu)),
      ]);
    }
  }
  const ourP99 = med("ours", TARGET_RATE, (r) => r.p99);
  const ratios = p.latency.rates.includes(TARGET_RATE)
    ? [
        `p99 at ${num(TARGET_RATE)} deliveries/s: ours ${ms(ourP99)} ms, bare Bun ` +
          `${ms(med("bare", TARGET_RATE, (r) => r.p99))} ms (ours / bare = ` +
          `${ratio(
            ourP99,
            med("bare", TARGET_RATE, (r) => r.p99),
          )}), Node ws ` +
          `${ms(med("node", TARGET_RATE, (r) => r.p99))} ms`,
      ]
    : [];
  return {
    title: "Latency",
    method:
      `Open loop: ${p.latency.clients} clients in one room; sends are scheduled at a fixed rate ` +
      `(offered deliveries/s = sends/s x ${p.latency.clients}) whatever the server does, spread ` +
      `over ${p.latency.clients - 1} senders, each carrying its scheduled send time. One member ` +
      `that sends nothing decodes every delivery and records the delay from the scheduled ` +
      `time (so queueing delay is not hidden). ${p.latency.warmupSeconds} s warm-up, ` +
      `${p.latency.seconds} s measured, then up to ${p.latency.drainSeconds} s to drain; a ` +
      `delivery still missing then counts as unbounded. Milliseconds; medians of ${p.reps} runs.`,
    header: ["offered/s", "server", "p50", "p99", "p99.9", "max", "delivered", "server CPU"],
    rows,
    ratios,
    targets: p.latency.rates.includes(TARGET_RATE)
      ? [
          atMost(
            `p99 latency at ${num(TARGET_RATE)} deliveries/s`,
            "<= 5 ms",
            ourP99,
            5,
            `${ms(ourP99)} ms`,
          ),
        ]
      : [],
    notes,
  };
}
