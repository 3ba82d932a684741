/**
 * Starting the three servers under comparison, pinned to the server core:
 * ours (server/main.ts, the real protocol, durable storage), the bare Bun.serve ceiling,
 * and Node + ws.
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collect, pin, spawnTracked, waitForLine } from "./proc.ts";

/** Which server. */
export type ServerKind = "ours" | "bare" | "node";

/** A started server. */
export interface RunningServer {
  kind: ServerKind;
  port: number;
  pid: number;
  dataDir: string;
  /** Milliseconds from spawn to the "running at" line. */
  startMs: number;
  proc: Subprocess;
  stop(): Promise<void>;
}

/** The core servers run on; load generators run on the other one. */
export const SERVER_CORE = 0;
/** The core load generators run on. */
export const CLIENT_CORE = 1;

const ROOT = join(import.meta.dir, "..", "..");
const READY_RE = /running at wss?:\/\/[^:]+:(\d+)/;

let runRoot: string | null = null;

/** A fresh temporary folder, inside one folder per benchmark run. */
export function tempDir(prefix: string): string {
  runRoot ??= mkdtempSync(join(tmpdir(), "chat-bench-"));
  return mkdtempSync(join(runRoot, `${prefix}-`));
}

/** Remove every temporary folder of this run. */
export function removeTempDirs(): void {
  if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  runRoot = null;
}

/** Start one server and wait for its "running at" line. */
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
  const dataDir = opts.dataDir ?? (kind === "ours" ? tempDir("data") : "");
  const core = opts.core === undefined ? SERVER_CORE : opts.core;
  const cmd =
    kind === "ours"
      ? [
          process.execPath,
          ...(opts.bunArgs ?? []),
          "server/main.ts",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--data",
          dataDir,
          ...(opts.isRateLimited ? [] : ["--no-rate-limit"]),
          ...(opts.extraArgs ?? []),
        ]
      : kind === "bare"
        ? [process.execPath, "bench/servers/bare-bun.ts"]
        : ["node", "bench/servers/node-ws.mjs"];
  const t0 = performance.now();
  const proc = spawnTracked([...raiseFdLimit(), ...pin(core), ...cmd], {
    cwd: ROOT,
    env: { CHAT_PASSWORD_COST: opts.isPasswordCostReal ? "real" : "low" },
  });
  const stderr = collect(proc.stderr);
  const timeout = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const line = await waitForLine(proc.stdout, READY_RE);
  clearTimeout(timeout);
  const startMs = performance.now() - t0;
  const port = line ? Number(READY_RE.exec(line)![1]) : 0;
  if (!port) {
    await proc.exited;
    throw new Error(`${kind} server did not start:\n${stderr.text().slice(-2000)}`);
  }
  return {
    kind,
    port,
    pid: proc.pid,
    dataDir,
    startMs,
    proc,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A shell prefix that raises the open-file limit to the hard limit before exec'ing the
 * command (10,000 connections need more than the usual 1,024 descriptors).
 */
export function raiseFdLimit(): string[] {
  return ["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"'];
}
