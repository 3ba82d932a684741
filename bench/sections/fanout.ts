/** Section 1: fan-out, closed loop, three servers side by side (plus the ceiling at our size). */
import type { ServerKind } from "../lib/servers.ts";
import { atLeast, median, num, pct, ratio, type Section } from "../lib/report.ts";
import type { FanoutResult } from "../scenarios/fanout.ts";
import {
  availableKinds,
  haveNode,
  LABEL,
  oneLine,
  type Params,
  progress,
  rotate,
  withServer,
} from "./common.ts";

interface Case {
  key: "ours" | "bare" | "bare-sized" | "node";
  kind: ServerKind;
  label: string;
  /** Pad the frames so that each delivery is as large as one of our `message` events. */
  sized: boolean;
}

const CASES: Case[] = [
  { key: "ours", kind: "ours", label: LABEL.ours, sized: false },
  { key: "bare", kind: "bare", label: LABEL.bare, sized: false },
  {
    key: "bare-sized",
    kind: "bare",
    label: `${LABEL.bare}, frames the size of ours`,
    sized: true,
  },
  { key: "node", kind: "node", label: LABEL.node, sized: false },
];

/** Run the fan-out comparison. */
export async function fanoutSection(p: Params): Promise<Section> {
  const cases = CASES.filter((c) => availableKinds().includes(c.kind));
  const runs = new Map<string, FanoutResult[]>(cases.map((c) => [c.key, []]));
  const notes: string[] = haveNode() ? [] : ["Node.js is not installed: no Node + ws figures."];
  const reps = p.fanout.reps;
  for (let rep = 0; rep < reps; rep++) {
    for (const c of rotate(cases, rep)) {
      progress(`fan-out rep ${rep + 1}/${reps}: ${c.key}`);
      try {
        const { result } = await withServer<FanoutResult>(c.kind, {
          scenario: "fanout",
          ...p.fanout,
          sized: c.sized,
        });
        runs.get(c.key)!.push(result);
      } catch (err) {
        notes.push(`Run ${rep + 1} of ${c.label} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (key: string, f: (r: FanoutResult) => number): number =>
    median((runs.get(key) ?? []).map(f));
  const rate = (key: string): number => med(key, (r) => r.deliveriesPerSec);
  // Deliveries per second of server CPU: less sensitive to other work on a shared machine.
  const perCpu = (key: string): number =>
    med(key, (r) => (r.serverCpu ? r.deliveriesPerSec / r.serverCpu : NaN));
  const rows = cases.map((c) => {
    const all = (runs.get(c.key) ?? []).map((r) => r.deliveriesPerSec);
    return [
      c.label,
      num(rate(c.key)),
      all.length ? `${num(Math.min(...all))} - ${num(Math.max(...all))}` : "n/a",
      String(all.length),
      num(med(c.key, (r) => r.frameBytes)),
      num(perCpu(c.key)),
      pct(med(c.key, (r) => r.serverCpu)),
      pct(med(c.key, (r) => r.clientCpu)),
    ];
  });
  const ratios = [
    `ours / bare Bun = **${ratio(rate("ours"), rate("bare"))}**`,
    `ours / Node ws = **${ratio(rate("ours"), rate("node"))}**`,
    `ours / bare Bun with frames the size of ours = ${ratio(rate("ours"), rate("bare-sized"))}`,
    `bare Bun / Node ws = ${ratio(rate("bare"), rate("node"))}`,
    `per second of server CPU: ours / bare Bun = ${ratio(perCpu("ours"), perCpu("bare"))}, ` +
      `ours / Node ws = ${ratio(perCpu("ours"), perCpu("node"))}`,
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
      `but not counted as deliveries. Our deliveries are \`message\` events (id, room, sender, ` +
      `text, time), larger than the frames the bare server echoes, so the bare server also ` +
      `runs with its frames padded to the same size: that row separates the cost of bigger ` +
      `frames from the cost of our per-message work. Median of ${reps} runs, in rotating ` +
      `order.`,
    header: [
      "server",
      "deliveries/s (median)",
      "range",
      "runs",
      "bytes/delivery",
      "deliveries per server CPU-second",
      "server CPU",
      "load gen CPU",
    ],
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
