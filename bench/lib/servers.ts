/**
 * Starting the three servers under comparison, pinned to the server core:
 * ours (server/main.ts, the real protocol, durable storage), the bare Bun.serve ceiling,
 * and Node + ws; all through the tests' server starter (tests/helpers/server.ts).
 */
import {
  launchServer,
  startServer as startChatServer,
  tempDir as newTempDir,
} from "../../tests/helpers/server.ts";
import type { TestServer } from "../../tests/helpers/server.ts";
import { pin } from "./proc.ts";

export { removeTempDirs } from "../../tests/helpers/server.ts";

/** Which server. */
export type ServerKind = "ours" | "bare" | "node";

/** A started server. */
export interface RunningServer extends TestServer {
  kind: ServerKind;
  pid: number;
}

/** The core servers run on; load generators run on the other one. */
export const SERVER_CORE = 0;
/** The core load generators run on. */
export const CLIENT_CORE = 1;

// A large data folder takes a while to load.
const START_TIMEOUT_MS = 60_000;

/** A fresh temporary folder of this benchmark run (all are removed by removeTempDirs). */
export function tempDir(prefix: string): string {
  return newTempDir(`chat-bench-${prefix}-`);
}

/** Start one server, pinned to its core, and wait for its "running at" line. */
export async function startServer(
  kind: ServerKind,
  opts: {
    dataDir?: string;
    extraArgs?: string[];
    bunArgs?: string[];
    core?: number | null;
    /** Keep the rate limits and quotas on (off by default: throughput is measured without). */
    isRateLimited?: boolean;
    /** The real password hashing cost instead of CHAT_PASSWORD_COST=low. */
    isPasswordCostReal?: boolean;
  } = {},
): Promise<RunningServer> {
  const prefix = [...raiseFdLimit(), ...pin(opts.core === undefined ? SERVER_CORE : opts.core)];
  const server =
    kind === "ours"
      ? await startChatServer({
          dataDir: opts.dataDir ?? tempDir("data"),
          args: [...(opts.isRateLimited ? ["--rate-limit"] : []), ...(opts.extraArgs ?? [])],
          bunArgs: opts.bunArgs,
          prefix,
          env: { CHAT_PASSWORD_COST: opts.isPasswordCostReal ? "real" : "low" },
          timeoutMs: START_TIMEOUT_MS,
        })
      : await launchServer(
          [
            ...prefix,
            ...(kind === "bare"
              ? [process.execPath, "bench/servers/bare-bun.ts"]
              : ["node", "bench/servers/node-ws.mjs"]),
          ],
          { timeoutMs: START_TIMEOUT_MS },
        );
  return Object.assign(server, { kind, pid: server.proc.pid });
}

/**
 * A shell prefix that raises the open-file limit to the hard limit before exec'ing the
 * command (10,000 connections need more than the usual 1,024 descriptors).
 */
export function raiseFdLimit(): string[] {
  return ["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"'];
}
