/**
 * Process helpers for the benchmark: starting load generators pinned to a core and killing
 * every child on exit or Ctrl-C (tests/helpers/process.ts reads their output, CPU time and RSS).
 */
import type { Subprocess } from "bun";

const children = new Set<Subprocess>();

/** True when `taskset` exists: processes are then pinned to separate cores. */
export const HAS_TASKSET = Bun.which("taskset") !== null;

/** The command prefix that pins a process to one core (empty when taskset is missing). */
export function pin(core: number | null): string[] {
  return core === null || !HAS_TASKSET ? [] : ["taskset", "-c", String(core)];
}

/**
 * Run `fn` with every thread of this process pinned to `core`, then as before: a load
 * generator that runs inside the benchmark process keeps off the server's core, as those
 * spawned on their own do. Without taskset, just run it.
 */
export async function withSelfPinned<T>(core: number, fn: () => Promise<T>): Promise<T> {
  if (!HAS_TASKSET) return fn();
  const pid = String(process.pid);
  // "pid 123's current affinity list: 0,1"
  const now = Bun.spawnSync(["taskset", "-cp", pid]).stdout.toString().split(": ")[1]?.trim();
  Bun.spawnSync(["taskset", "-a", "-cp", String(core), pid]);
  try {
    return await fn();
  } finally {
    if (now) Bun.spawnSync(["taskset", "-a", "-cp", now, pid]);
  }
}

/** Spawn a child that is killed when the benchmark exits. */
export function spawnTracked(
  cmd: string[],
  opts: { env?: Record<string, string>; stdout?: "pipe" | "ignore"; cwd?: string } = {},
): Subprocess<"ignore", "pipe", "pipe"> {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/** Kill every child still running (SIGKILL) and wait for them. */
export async function killAll(): Promise<void> {
  const all = [...children];
  for (const p of all) p.kill("SIGKILL");
  await Promise.all(all.map((p) => p.exited));
}

let handlersInstalled = false;

/** Kill children (and run `cleanup`) on SIGINT/SIGTERM and at exit. */
export function installExitHandlers(cleanup: () => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: stopping benchmark processes\n`);
      void killAll().then(() => {
        cleanup();
        process.exit(130);
      });
    });
  }
  process.on("exit", () => {
    for (const p of children) p.kill("SIGKILL");
  });
}
