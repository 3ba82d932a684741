/**
 * Profile a cluster instance under the stored-messages load of the cluster benchmark: Redis
 * (append-only file fsynced on every write) and N instances, the first one under
 * `bun --cpu-prof`; every writer sends to the first instance directly. Prints the rate, the CPU
 * of each process (the first instance writes and applies, the others only apply) and the
 * functions of the first instance with the most self time.
 * Usage: bun bench/profile-cluster.ts [--instances N] [--spread] [--senders N] [--window N]
 *        [--top N]   (--spread: instances and Redis not pinned to the server core)
 */
import { parseArgs } from "node:util";
import { cpuSeconds } from "../tests/helpers/process.ts";
import { printTop } from "./lib/cpu-profile.ts";
import { installExitHandlers, killAll } from "./lib/proc.ts";
import { runLoadgen } from "./lib/runner.ts";
import { removeTempDirs, tempDir } from "./lib/servers.ts";
import { type Deployment, startCluster, writers } from "./lib/deployments.ts";
import type { StorageResult } from "./scenarios/storage.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "1" },
    spread: { type: "boolean", default: false },
    senders: { type: "string", default: "16" },
    window: { type: "string", default: "64" },
    top: { type: "string", default: "25" },
  },
});

installExitHandlers(removeTempDirs);
const profDir = tempDir("profile");
let d: Deployment | null = null;
try {
  d = await startCluster({
    instances: Number(values.instances),
    isSpread: values.spread,
    firstBunArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
  });
  const port = d.ports[0]!;
  const users = await writers(port, Number(values.senders));
  const before = d.pids.map(cpuSeconds);
  const t0 = performance.now();
  const result = await runLoadgen<StorageResult>({
    scenario: "storage",
    kind: "ours",
    host: "127.0.0.1",
    port,
    serverPid: d.pids,
    users: users.map((u) => u.user),
    rooms: users.map((u) => u.room),
    ownRoom: true,
    window: Number(values.window),
    warmupSeconds: 0.5,
    seconds: 3,
  });
  const seconds = (performance.now() - t0) / 1000;
  const shares = d.pids.map((pid, i) => (cpuSeconds(pid) - before[i]!) / seconds);
  console.log(`acknowledged stored messages/s: ${Math.round(result.ackedPerSec)}`);
  const names = d.pids.map((_, i) => (i === d!.pids.length - 1 ? "redis" : `instance ${i + 1}`));
  console.log(
    `CPU over the run (share of one core): ` +
      names.map((n, i) => `${n} ${Math.round(shares[i]! * 100)}%`).join(", "),
  );
  await d.stop();
  d = null;
  await printTop(profDir, Number(values.top), "cluster");
} finally {
  await d?.stop();
  await killAll();
  removeTempDirs();
}
