/**
 * A password-hashing thread (see password-threads.ts): argon2id through Bun.password's
 * synchronous forms, one job at a time, on this worker's own thread at the lowest priority.
 */
import { setPriority } from "node:os";
import type { HashJob, HashResult } from "./password-threads.ts";

declare const self: Worker;

// Linux sets the priority of the calling thread alone (this worker's); elsewhere it would be
// the whole process's, so the priority is left as it is there. A thread inherits the priority
// of the thread that starts it, and the engine's garbage-collection helpers, shared with the
// event loop, are started by the first collection that needs them: one is run first, so that
// they start at the normal priority rather than at this thread's.
if (process.platform === "linux") {
  Bun.gc(true);
  try {
    setPriority(19);
  } catch {
    // Not allowed here: hashing keeps the default priority.
  }
}

function run(job: HashJob): HashResult {
  if (job.op === "verify") {
    try {
      return { ok: true, value: Bun.password.verifySync(job.password, job.hash) };
    } catch {
      // A malformed stored hash means no password matches it.
      return { ok: true, value: false };
    }
  }
  try {
    return { ok: true, value: Bun.password.hashSync(job.password, job.options) };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

self.onmessage = (event: MessageEvent<HashJob>) => {
  self.postMessage(run(event.data));
};
