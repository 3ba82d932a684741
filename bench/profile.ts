/**
 * Profile our server under one benchmark load: starts `bun --cpu-prof server/main.ts` pinned
 * to the server core, runs the scenario from the load generator, stops the server and prints
 * the functions with the most self time (and the .cpuprofile path, for Chrome DevTools).
 * Usage: bun bench/profile.ts [fanout|latency|storage] [--top N]
 *        [--rooms N (storage: rooms in the data set)] [--send-rooms N (storage: rooms written to)]
 */
import { parseArgs } from "node:util";
import { printTop } from "./lib/cpu-profile.ts";
import { installExitHandlers, killAll } from "./lib/proc.ts";
import { roomNames, writeDataset } from "./lib/dataset.ts";
import { runLoadgen } from "./lib/runner.ts";
import { removeTempDirs, startServer, tempDir } from "./lib/servers.ts";

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
  await printTop(profDir, Number(values.top), scenario);
} finally {
  await killAll();
  removeTempDirs();
}
