/**
 * The benchmark suite: `bun run bench` (full, a few minutes, writes BENCHMARKS.md) or
 * `bun run bench --quick` (a few seconds; prints the report unless `--out FILE` is given).
 * `--only fanout,latency,connections,storage,startup,oneshot,catch-up,redis-log,cluster` runs a
 * subset; `--reps N` sets the repetitions of the fan-out, latency, connections and storage
 * comparisons.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { HAS_TASKSET, installExitHandlers, killAll } from "./lib/proc.ts";
import { renderReport, type Section } from "./lib/report.ts";
import { CLIENT_CORE, removeTempDirs, SERVER_CORE } from "./lib/servers.ts";
import { haveOurs, type Params, progress, ROOT } from "./sections/common.ts";
import { connectionsSection } from "./sections/connections.ts";
import { fanoutSection } from "./sections/fanout.ts";
import { latencySection } from "./sections/latency.ts";
import { catchUpSection } from "./sections/catch-up.ts";
import { redisLogSection } from "./sections/redis-log.ts";
import { clusterSection } from "./sections/cluster.ts";
import { oneshotSection } from "./sections/oneshot.ts";
import { makeDatasets, storageSection, startupSection } from "./sections/storage.ts";

const FULL: Params = {
  quick: false,
  reps: 3,
  fanout: {
    reps: 5,
    clients: 32,
    perRound: 1600,
    warmupRounds: 1,
    minRounds: 1,
    maxRounds: 20,
    minSeconds: 2,
  },
  latency: {
    clients: 32,
    rates: [50_000, 100_000, 200_000, 1_000_000],
    seconds: 2,
    warmupSeconds: 0.5,
    drainSeconds: 2,
  },
  connections: { count: 10_000, concurrency: 256 },
  storage: {
    senders: 4,
    window: 256,
    warmupSeconds: 0.5,
    seconds: 2,
    users: 1000,
    manyRooms: 1000,
    messagesPerRoom: 200,
  },
  startupReps: 5,
  oneshotReps: 15,
};

const QUICK: Params = {
  quick: true,
  reps: 1,
  fanout: {
    reps: 1,
    clients: 8,
    perRound: 100,
    warmupRounds: 0,
    minRounds: 1,
    maxRounds: 1,
    minSeconds: 0,
  },
  latency: { clients: 8, rates: [100_000], seconds: 0.3, warmupSeconds: 0.1, drainSeconds: 1 },
  connections: { count: 200, concurrency: 64 },
  storage: {
    senders: 2,
    window: 32,
    warmupSeconds: 0.1,
    seconds: 0.3,
    users: 20,
    manyRooms: 20,
    messagesPerRoom: 20,
  },
  startupReps: 1,
  oneshotReps: 1,
};

const SECTIONS = [
  "fanout",
  "latency",
  "connections",
  "storage",
  "startup",
  "oneshot",
  "catch-up",
  "redis-log",
  "cluster",
] as const;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string" },
    reps: { type: "string" },
  },
});
const params: Params = values.quick ? QUICK : FULL;
if (values.reps !== undefined) {
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) {
    console.error("--reps takes a whole number of repetitions (1 or more)");
    process.exit(2);
  }
  params.reps = reps;
  params.fanout.reps = reps;
}
const only = new Set(values.only ? values.only.split(",") : SECTIONS);
const outFile = values.out ?? (values.quick ? null : join(ROOT, "BENCHMARKS.md"));

function sh(cmd: string[]): string {
  try {
    const r = Bun.spawnSync(cmd, { cwd: ROOT });
    return r.stdout.toString().trim();
  } catch {
    return "n/a";
  }
}

/** Load average and CPU pressure (PSI), to show how busy the shared machine was. */
function busy(): string {
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  let psi = "";
  try {
    const some = /some avg10=([\d.]+) avg60=([\d.]+) avg300=([\d.]+)/.exec(
      readFileSync("/proc/pressure/cpu", "utf8"),
    );
    if (some)
      psi = `; CPU pressure (share of time some task waited for a CPU) ${some[2]}% over 60 s`;
  } catch {
    // No PSI on this kernel: the load average alone is reported.
  }
  return `load average ${load}${psi}`;
}

const busyAtStart = busy();

function machine(): string[] {
  const os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "?";
  const wsVersion = (
    JSON.parse(readFileSync(join(ROOT, "node_modules", "ws", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return [
    `CPU: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores; memory ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `OS: ${os}, Linux ${release()}`,
    `Bun ${Bun.version}; Node ${sh(["node", "--version"])} with ws ${wsVersion}`,
    `Commit: ${sh(["git", "rev-parse", "--short", "HEAD"])}`,
    HAS_TASKSET
      ? `Pinning: servers on core ${SERVER_CORE}, load generators on core ${CLIENT_CORE} (taskset)`
      : "Pinning: taskset not found, processes not pinned",
    `Other work on the machine: at the start ${busyAtStart}; at the end ${busy()}`,
  ];
}

const METHOD = [
  "Load generator: one Bun process speaking raw WebSocket over `Bun.connect` TCP sockets: the " +
    "upgrade is done by hand, outgoing frames are pre-built and masked once, and incoming " +
    "frames are counted by walking their headers without decoding them (our server's " +
    "deliveries are told from its acknowledgements by one byte of the payload).",
  "Servers under comparison: ours (`bun server/main.ts --no-rate-limit`, real protocol: every " +
    "client registers or authenticates, joins the room, sends `send` frames; every message is " +
    "stored durably before it is acknowledged and published); a bare `Bun.serve` that " +
    "publishes each incoming frame to one topic (the ceiling); Node + `ws` looping `send` " +
    "over its clients. All three deliver to every member, the sender included.",
  "Servers and load generators start through `sh -c 'ulimit -n <hard limit>; exec ...'` so " +
    "that 10,000 connections have descriptors; they all come from 127.0.0.1, which the " +
    "ephemeral port range (32768-60999) covers. Accounts are made over the protocol with " +
    "CHAT_PASSWORD_COST=low (cheap hashing, for tests and benchmarks only); data sets for " +
    "storage and start-up are written directly in the store's JSON file format.",
  "CPU of the server and of the load generator from /proc/<pid>/stat over the measured " +
    "window, as a share of one core.",
  "Every comparison runs side by side in one run, in rotating order, and the median of the " +
    "repetitions is reported. The machine is shared: compare ratios, not absolute numbers.",
];

installExitHandlers(removeTempDirs);
const started = performance.now();
const sections: Section[] = [];
let failed = false;
try {
  if (!haveOurs()) progress("server/main.ts not found: measuring the reference servers only");
  if (only.has("fanout")) sections.push(await fanoutSection(params));
  if (only.has("latency")) sections.push(await latencySection(params));
  if (haveOurs() && only.has("connections")) sections.push(await connectionsSection(params));
  if (haveOurs() && (only.has("storage") || only.has("startup"))) {
    const data = await makeDatasets(params);
    if (only.has("storage")) sections.push(await storageSection(params, data));
    if (only.has("startup")) sections.push(await startupSection(params, data));
  }
  if (haveOurs() && only.has("oneshot")) sections.push(await oneshotSection(params));
  if (haveOurs() && only.has("catch-up")) sections.push(await catchUpSection(params));
  if (only.has("redis-log")) sections.push(await redisLogSection(params));
  if (haveOurs() && only.has("cluster")) sections.push(await clusterSection(params));
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await killAll();
  removeTempDirs();
}

const report = renderReport(
  {
    date: new Date()
      .toISOString()
      .replace(/\.\d+Z$/, " UTC")
      .replace("T", " "),
    machine: machine(),
    method: METHOD,
    command: values.quick ? "bun run bench --quick" : "bun run bench",
    wallSeconds: (performance.now() - started) / 1000,
    // The analysis speaks of the full suite; a quick or partial run does not include it.
    analysis:
      values.quick || values.only ? "" : readFileSync(join(import.meta.dir, "analysis.md"), "utf8"),
  },
  sections,
);
if (outFile) {
  writeFileSync(outFile, report);
  progress(`wrote ${outFile}`);
} else {
  process.stdout.write(report);
}
process.exit(failed ? 1 : 0);
