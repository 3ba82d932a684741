/**
 * The load generator: one process, pinned to its own core by bench/run.ts, that runs one
 * scenario against one server and prints `RESULT <json>` on stdout.
 * Usage: bun bench/loadgen.ts '<json config>'
 */
import { connectionsScenario } from "./scenarios/connections.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";
import { latencyScenario } from "./scenarios/latency.ts";
import { storageScenario } from "./scenarios/storage.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as { scenario: string } & Record<string, never>;

const SCENARIOS: Record<string, (cfg: never) => Promise<unknown>> = {
  fanout: fanoutScenario,
  latency: latencyScenario,
  connections: connectionsScenario,
  storage: storageScenario,
};

const run = SCENARIOS[config.scenario];
if (!run) {
  console.error(`unknown scenario: ${config.scenario}`);
  process.exit(2);
}
try {
  const result = await run(config as never);
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
}
