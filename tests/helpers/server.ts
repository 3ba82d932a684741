import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A server started for a test. */
export interface TestServer {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  port: number;
  dataDir: string;
  proc: Subprocess<"ignore", "pipe", "inherit" | "ignore">;
  /** SIGTERM, then wait for the exit. */
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
}

const ROOT = resolve(import.meta.dir, "../..");
const START_TIMEOUT_MS = 15_000;
const LINE_RE = /^\[SERVER\] Chat server running at (wss?):\/\/([^\s]+):(\d+)$/m;
const made: string[] = [];
const running = new Set<Subprocess>();

process.on("exit", () => {
  for (const p of running) p.kill("SIGKILL");
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix = "chat-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Start `bun server/main.ts` on 127.0.0.1 port 0 with CHAT_PASSWORD_COST=low and wait for its
 * start line. Set CHAT_TEST_VERBOSE=1 to see the server's log on stderr.
 */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const args = opts.args ?? [];
  const limitFlag = args.includes("--rate-limit") ? [] : ["--no-rate-limit"];
  const proc = Bun.spawn(
    [
      "bun",
      "server/main.ts",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--data",
      dataDir,
      ...limitFlag,
      ...args,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CHAT_PASSWORD_COST: "low", ...opts.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: process.env.CHAT_TEST_VERBOSE ? "inherit" : "ignore",
    },
  );
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  const { scheme, host, port } = await readStartLine(proc);
  const wait = async (signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await proc.exited;
  };
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    dataDir,
    proc,
    stop: () => wait("SIGTERM"),
    kill: () => wait("SIGKILL"),
  };
}

/** Start a stopped (or killed) server again: the same data folder, on the same port. */
export function restartServer(stopped: TestServer): Promise<TestServer> {
  return startServer({ dataDir: stopped.dataDir, args: ["--port", String(stopped.port)] });
}

async function readStartLine(
  proc: Subprocess<"ignore", "pipe", "inherit" | "ignore">,
): Promise<{ scheme: string; host: string; port: number }> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => proc.kill("SIGKILL"), START_TIMEOUT_MS);
  try {
    for (;;) {
      const match = LINE_RE.exec(text);
      if (match) return { scheme: match[1]!, host: match[2]!, port: Number(match[3]) };
      const { value, done } = await reader.read();
      if (done) {
        const code = await proc.exited;
        throw new Error(`server exited (code ${code}) before its start line; stdout: ${text}`);
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
