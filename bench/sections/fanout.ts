/** Section 1: fan-out, closed loop, three servers side by side. */
import type { ServerKind } from "../lib/servers.ts";
import { atLeast, median, num, pct, ratio, type Section } from "../lib/report.ts";
import type { FanoutResult } from "../scenarios/fanout.ts";
import {
  availableKinds,
  LABEL,
  oneLine,
  type Params,
  progress,
  rotate,
  withServer,
} from "./common.ts";

/** Run the fan-out comparison. */
export async function fanoutSection(p: Params): Promise<Section> {
  const kinds = availableKinds();
  const runs = new Map<ServerKind, FanoutResult[]>(kinds.map((k) => [k, []]));
  const notes: string[] = [];
  for (let rep = 0; rep < p.reps; rep++) {
    for (const kind of rotate(kinds, rep)) {
      progress(`fan-out rep ${rep + 1}/${p.reps}: ${kind}`);
      try {
        const { result } = await withServer<FanoutResult>(kind, {
          scenario: "fanout",
          ...p.fanout,
        });
        runs.get(kind)!.push(result);
      } catch (err) {
        notes.push(`Run ${rep + 1} of ${kind} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (k: ServerKind, f: (r: FanoutResult) => number): number =>
    median((runs.get(k) ?? []).map(f));
  const rate = (k: ServerKind): number => med(k, (r) => r.deliveriesPerSec);
  const rows = kinds.map((k) => {
    const all = (runs.get(k) ?? []).map((r) => r.deliveriesPerSec);
    return [
      LABEL[k],
      num(rate(k)),
      all.length ? `${num(Math.min(...all))} - ${num(Math.max(...all))}` : "n/a",
      String(all.length),
      pct(med(k, (r) => r.serverCpu)),
      pct(med(k, (r) => r.clientCpu)),
    ];
  });
  const ratios = [
    `ours / bare Bun = **${ratio(rate("ours"), rate("bare"))}**`,
    `ours / Node ws = **${ratio(rate("ours"), rate("node"))}**`,
    `bare Bun / Node ws = ${ratio(rate("bare"), rate("node"))}`,
  ];
  return {
    title: "Fan-out",
    method:
      `${p.fanout.clients} clients in one room; each sends ${num(p.fanout.perRound)} short ` +
      `messages per round (${num(p.fanout.clients * p.fanout.perRound * p.fanout.clients)} ` +
      `deliveries per round, every member including the sender); the next round starts when ` +
      `every delivery of the round has arrived. ${p.fanout.warmupRounds} warm-up round, then ` +
      `rounds until at least ${p.fanout.minRounds} and ${p.fanout.minSeconds} s. Our server ` +
      `also acknowledges each send with a \`sent\` frame to the sender: those are awaited too ` +
      `but not counted as deliveries. Median of ${p.reps} runs, in rotating order.`,
    header: ["server", "deliveries/s (median)", "range", "runs", "server CPU", "load gen CPU"],
    rows,
    ratios,
    targets: [
      atLeast(
        "Fan-out vs bare Bun",
        ">= 0.6x",
        rate("ours") / rate("bare"),
        0.6,
        ratio(rate("ours"), rate("bare")),
      ),
      atLeast(
        "Fan-out vs Node ws",
        ">= 10x",
        rate("ours") / rate("node"),
        10,
        ratio(rate("ours"), rate("node")),
      ),
    ],
    notes,
  };
}
