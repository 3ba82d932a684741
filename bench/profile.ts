/**
 * Profile our server under one benchmark load: starts `bun --cpu-prof server/main.ts` pinned
 * to the server core, runs the scenario from the load generator, stops the server and prints
 * the functions with the most self time (and the .cpuprofile path, for Chrome DevTools).
 * Usage: bun bench/profile.ts [fanout|latency|storage] [--top N]
 *        [--rooms N (storage: rooms in the data set)] [--send-rooms N (storage: rooms written to)]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { installExitHandlers, killAll } from "./lib/proc.ts";
import { roomNames, writeDataset } from "./lib/dataset.ts";
import { runLoadgen } from "./lib/runner.ts";
import { removeTempDirs, startServer, tempDir } from "./lib/servers.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: "string", default: "25" },
    rooms: { type: "string", default: "1000" },
    "send-rooms": { type: "string" },
  },
  allowPositionals: true,
});
const scenario = positionals[0] ?? "fanout";
const WRITERS = ["writer0", "writer1", "writer2", "writer3"];
const SCENARIOS: Record<string, Record<string, unknown>> = {
  storage: {
    scenario: "storage",
    users: WRITERS,
    rooms: roomNames(Number(values["send-rooms"] ?? values.rooms)),
    window: 256,
    warmupSeconds: 0.5,
    seconds: 3,
  },
  fanout: {
    scenario: "fanout",
    clients: 32,
    perRound: 1600,
    warmupRounds: 1,
    minRounds: 3,
    maxRounds: 10,
    minSeconds: 3,
  },
  latency: {
    scenario: "latency",
    clients: 32,
    rate: 100_000,
    seconds: 3,
    warmupSeconds: 0.5,
    drainSeconds: 2,
  },
};

/** Self time per function (milliseconds), highest first. */
export function selfTimes(profile: Profile): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    if (!node) return;
    const f = node.callFrame;
    const where = f.url
      ? `${f.url.replace(/^.*\/(server|shared|node_modules)\//, "$1/")}:${f.lineNumber + 1}`
      : "";
    const name = `${f.functionName || "(anonymous)"} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + dt);
  });
  return [...totals]
    .map(([name, ms]) => ({ name, ms, share: ms / all }))
    .sort((a, b) => b.ms - a.ms);
}

installExitHandlers(removeTempDirs);
const profDir = tempDir("profile");
try {
  const config = SCENARIOS[scenario];
  if (!config)
    throw new Error(`unknown scenario ${scenario}: use ${Object.keys(SCENARIOS).join(", ")}`);
  let dataDir: string | undefined;
  if (scenario === "storage") {
    dataDir = tempDir("data");
    const rooms = Number(values.rooms);
    await writeDataset(dataDir, { users: 1000, rooms, messagesPerRoom: 200, members: WRITERS });
  }
  const server = await startServer("ours", {
    dataDir,
    bunArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
  });
  try {
    const result = await runLoadgen({
      ...config,
      kind: "ours",
      host: "127.0.0.1",
      port: server.port,
      serverPid: server.pid,
    });
    console.log(JSON.stringify(result));
  } finally {
    await server.stop();
  }
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("no .cpuprofile written");
  const profile = JSON.parse(readFileSync(join(profDir, file), "utf8")) as Profile;
  for (const { name, ms, share } of selfTimes(profile).slice(0, Number(values.top))) {
    console.log(
      `${(share * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
  const keep = join("/tmp", `chat-server-${scenario}.cpuprofile`);
  await Bun.write(keep, Bun.file(join(profDir, file)));
  console.log(`profile: ${keep}`);
} finally {
  await killAll();
  removeTempDirs();
}
