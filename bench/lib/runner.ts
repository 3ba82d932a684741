/** Running the load generator as its own pinned process and reading its result. */
import { join } from "node:path";
import { collect, waitForLine } from "../../tests/helpers/process.ts";
import { pin, spawnTracked } from "./proc.ts";
import { CLIENT_CORE, raiseFdLimit } from "./servers.ts";

const LOADGEN = join(import.meta.dir, "..", "loadgen.ts");

/** Run one scenario in a load-generator process pinned to the client core. */
export async function runLoadgen<R>(
  config: Record<string, unknown>,
  timeoutMs = 240_000,
): Promise<R> {
  const proc = spawnTracked([
    ...raiseFdLimit(),
    ...pin(CLIENT_CORE),
    process.execPath,
    LOADGEN,
    JSON.stringify(config),
  ]);
  const stderr = collect(proc.stderr);
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const line = await waitForLine(proc.stdout, /^RESULT /);
  const code = await proc.exited;
  clearTimeout(timer);
  if (!line || code !== 0) {
    throw new Error(
      `load generator (${String(config.scenario)}) failed with code ${code}:\n` +
        stderr.text().slice(-2000),
    );
  }
  return JSON.parse(line.slice("RESULT ".length)) as R;
}
