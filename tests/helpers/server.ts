/**
 * Starting a chat server, the one way tests, the benchmark and the scripts do it:
 * `server/main.ts` on 127.0.0.1 port 0 with a temporary data folder, ready once it printed its
 * start line. Every server and folder made here is gone when the process exits.
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diesWithParent } from "./ports.ts";
import { collect, waitForLine } from "./process.ts";

/** A started server. */
export interface TestServer {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  port: number;
  dataDir: string;
  proc: Subprocess;
  /** Milliseconds from the spawn to the start line. */
  startMs: number;
  /** SIGTERM (SIGKILL after 15 s), then wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

/** Options of startServer. */
export interface StartOptions {
  /** Extra server flags; "--rate-limit" keeps rate limits on (else --no-rate-limit is passed). */
  args?: string[];
  env?: Record<string, string>;
  /** Reuse a data folder (a restart); a fresh temp folder when absent. */
  dataDir?: string;
  /** Bun's own flags, before server/main.ts (a CPU profile, for example). */
  bunArgs?: string[];
  /** Words before the command: pinning to a core, raising the open-file limit. */
  prefix?: string[];
  /** How long the start line may take (15 s by default). */
  timeoutMs?: number;
}

const ROOT = resolve(import.meta.dir, "../..");
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 15_000;
const LINE_RE = /^\[SERVER\] Chat server running at (wss?):\/\/(\S+):(\d+)$/;
const made: string[] = [];
const running = new Set<Subprocess>();

process.on("exit", () => {
  for (const p of running) p.kill("SIGKILL");
  removeTempDirs();
});

/** A fresh temporary folder, removed when the process exits (or by removeTempDirs). */
export function tempDir(prefix = "chat-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove every temporary folder made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Start `bun server/main.ts` on 127.0.0.1 port 0 with CHAT_PASSWORD_COST=low and wait for its
 * start line. Set CHAT_TEST_VERBOSE=1 to see the server's log on stderr.
 */
export function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const args = opts.args ?? [];
  const limitFlag = args.includes("--rate-limit") ? [] : ["--no-rate-limit"];
  const cmd = [
    ...(opts.prefix ?? []),
    process.execPath,
    ...(opts.bunArgs ?? []),
    "server/main.ts",
    ...["--host", "127.0.0.1", "--port", "0", "--data", dataDir],
    ...limitFlag,
    ...args,
  ];
  const env = { CHAT_PASSWORD_COST: "low", ...opts.env };
  return launchServer(cmd, { env, dataDir, timeoutMs: opts.timeoutMs });
}

/** Start a stopped (or killed) server again: the same data folder, on the same port. */
export function restartServer(stopped: TestServer, opts: StartOptions = {}): Promise<TestServer> {
  const args = ["--port", String(stopped.port), ...(opts.args ?? [])];
  return startServer({ ...opts, dataDir: stopped.dataDir, args });
}

/**
 * Spawn a server command from the project folder and wait for the start line our server
 * prints (the benchmark's bare Bun and Node servers print it too). Its stdout is drained for
 * as long as it runs; the tail of its stderr is in the error when it exits first.
 */
export async function launchServer(
  cmd: string[],
  opts: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number } = {},
): Promise<TestServer> {
  const t0 = performance.now();
  const isVerbose = Boolean(process.env.CHAT_TEST_VERBOSE);
  // Killed by the kernel if this process ends without stopping it (a crashed test run).
  const proc = Bun.spawn(diesWithParent(cmd), {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: isVerbose ? "inherit" : "pipe",
  });
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  const stderr = proc.stderr instanceof ReadableStream ? collect(proc.stderr) : null;
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? START_TIMEOUT_MS);
  const line = await waitForLine(proc.stdout, LINE_RE).finally(() => clearTimeout(timer));
  const match = line === null ? null : LINE_RE.exec(line);
  if (!match) {
    const code = await proc.exited;
    const tail = stderr?.text().slice(-2000) ?? "";
    throw new Error(
      `server exited (code ${code}) before its start line: ${cmd.join(" ")}\n${tail}`,
    );
  }
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const grace = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
    await proc.exited;
    clearTimeout(grace);
  };
  return {
    url: `${match[1]}://${match[2]}:${match[3]}`,
    port: Number(match[3]),
    dataDir: opts.dataDir ?? "",
    proc,
    startMs: performance.now() - t0,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}
