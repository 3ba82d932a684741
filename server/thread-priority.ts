/**
 * The lowest CPU priority for the threads that hash passwords. Bun.password's async forms run
 * on Bun's worker pool ("Bun Pool N" threads, started as work first needs them); at the
 * default priority a hash thread takes an equal share of whatever core the event loop runs
 * on, and on one core every other user's ping waits hundreds of milliseconds behind a
 * password check. At nice 19 the event loop always runs first and hashing has what is left.
 * Linux only (per-thread priority through /proc); elsewhere nothing is changed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";

const LOWEST = 19;
const TASKS = "/proc/self/task";
const lowered = new Set<string>();
let isSupported = process.platform === "linux";

/**
 * Lower every pool thread not lowered yet. Called around each hash, so that a pool thread
 * started for one is lowered as soon as it exists; a few small reads of /proc, next to a hash
 * of about 100 ms.
 */
export function lowerPoolThreads(): void {
  if (!isSupported) return;
  let tids: string[];
  try {
    tids = readdirSync(TASKS);
  } catch {
    // No /proc: hashing keeps the default priority.
    isSupported = false;
    return;
  }
  for (const tid of tids) {
    if (lowered.has(tid) || Number(tid) === process.pid) continue;
    try {
      if (!readFileSync(`${TASKS}/${tid}/comm`, "utf8").startsWith("Bun Pool")) continue;
      setPriority(Number(tid), LOWEST);
      lowered.add(tid);
    } catch {
      // The thread ended meanwhile, or the priority may not be changed: nothing to do.
    }
  }
}
