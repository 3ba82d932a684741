/** What every section shares: parameters, the servers available, and one run of a server. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runLoadgen } from "../lib/runner.ts";
import { type RunningServer, type ServerKind, startServer } from "../lib/servers.ts";

/** Sizes and durations of one benchmark run (full or --quick). */
export interface Params {
  quick: boolean;
  reps: number;
  fanout: {
    reps: number;
    clients: number;
    perRound: number;
    warmupRounds: number;
    minRounds: number;
    maxRounds: number;
    minSeconds: number;
  };
  latency: {
    clients: number;
    rates: number[];
    seconds: number;
    warmupSeconds: number;
    drainSeconds: number;
  };
  connections: { count: number; concurrency: number };
  storage: {
    senders: number;
    window: number;
    warmupSeconds: number;
    seconds: number;
    users: number;
    manyRooms: number;
    messagesPerRoom: number;
  };
  startupReps: number;
  oneshotReps: number;
}

/** The repository root. */
export const ROOT = join(import.meta.dir, "..", "..");

/** True when our server exists in this checkout. */
export function haveOurs(): boolean {
  return existsSync(join(ROOT, "server", "main.ts"));
}

/** True when Node.js is installed (for the Node + ws server). */
export function haveNode(): boolean {
  return Bun.which("node") !== null;
}

/** The servers to compare: ours when present, the bare ceiling, Node + ws when Node is here. */
export function availableKinds(): ServerKind[] {
  const kinds: ServerKind[] = haveOurs() ? ["ours", "bare"] : ["bare"];
  if (haveNode()) kinds.push("node");
  return kinds;
}

/** Rotate a list by `n` so that each repetition runs in a different order. */
export function rotate<T>(items: T[], n: number): T[] {
  const k = n % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Human names of the servers. */
export const LABEL: Record<ServerKind, string> = {
  ours: "ours (server/main.ts)",
  bare: "bare Bun.serve publish",
  node: "Node + ws send loop",
};

/** Start a server, run one load-generator scenario against it, stop it. */
export async function withServer<R>(
  kind: ServerKind,
  scenario: Record<string, unknown>,
  opts: { dataDir?: string } = {},
): Promise<{ result: R; server: RunningServer }> {
  const server = await startServer(kind, { dataDir: opts.dataDir });
  try {
    const result = await runLoadgen<R>({
      ...scenario,
      kind,
      host: "127.0.0.1",
      port: server.port,
      serverPid: server.pid,
    });
    return { result, server };
  } finally {
    await server.stop();
  }
}

/** Log progress to stderr. */
export function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** An error as one line. */
export function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n").slice(0, 3).join(" / ");
}
