/**
 * Password hashing on threads of its own at the lowest priority. A hash takes a core for
 * about 100 ms; at the default priority a hash thread on the event loop's core takes half of
 * it, and every other user's ping waits behind a password check. So argon2id runs on worker
 * threads (password-worker.ts) that lower their own priority to nice 19 (Linux): the event
 * loop always runs first and hashing has what is left. Bun's own pool, which writes and
 * fsyncs the journal, keeps the normal priority: a lowered pool would make every commit wait
 * for the event loop to be idle.
 */
import type { PasswordHasher } from "./domain/types.ts";

/** argon2id's parameters for a new hash. */
export type HashOptions = { algorithm: "argon2id"; memoryCost?: number; timeCost?: number };

/** A job for a hashing thread. */
export type HashJob =
  | { op: "hash"; password: string; options: HashOptions }
  | { op: "verify"; password: string; hash: string };

/** A hashing thread's answer: the hash or whether the password matched, or why it failed. */
export type HashResult = { ok: true; value: string | boolean } | { ok: false; error: string };

type Pending = { resolve: (r: HashResult) => void };

/** One hashing thread and the job it runs (one at a time). */
interface Thread {
  worker: Worker;
  job: Pending | null;
}

/** Runs hashes on up to `size` threads (started as work first needs them); more jobs queue. */
export class PasswordThreads implements PasswordHasher {
  readonly #size: number;
  readonly #options: HashOptions;
  #threads: Thread[] = [];
  #queue: { job: HashJob; pending: Pending }[] = [];
  readonly #script: string;

  /** `script`: what each thread runs (password-worker.ts; another only in tests). */
  constructor(options: HashOptions, size: number, script?: URL) {
    this.#options = options;
    this.#size = Math.max(1, size);
    this.#script = (script ?? new URL("./password-worker.ts", import.meta.url)).href;
  }

  async hash(password: string): Promise<string> {
    const r = await this.#submit({ op: "hash", password, options: this.#options });
    if (!r.ok) throw new Error(`password hashing failed: ${r.error}`);
    return String(r.value);
  }

  /** False for a malformed stored hash (no password matches it); throws if the thread failed. */
  async verify(password: string, hash: string): Promise<boolean> {
    const r = await this.#submit({ op: "verify", password, hash });
    if (!r.ok) throw new Error(`password check failed: ${r.error}`);
    return r.value === true;
  }

  #submit(job: HashJob): Promise<HashResult> {
    return new Promise((resolve) => {
      this.#queue.push({ job, pending: { resolve } });
      this.#dispatch();
    });
  }

  // Hand queued jobs to idle threads, starting threads up to the size.
  #dispatch(): void {
    while (this.#queue.length > 0) {
      let thread = this.#threads.find((t) => t.job === null);
      if (!thread && this.#threads.length < this.#size) {
        try {
          thread = this.#start();
        } catch (err) {
          // No thread could be started (the system refused one): the job fails, not waits.
          this.#queue.shift()!.pending.resolve({ ok: false, error: String(err) });
          continue;
        }
      }
      if (!thread) return;
      const { job, pending } = this.#queue.shift()!;
      thread.job = pending;
      // A thread at work keeps the process alive until it answers; an idle one does not.
      thread.worker.ref();
      thread.worker.postMessage(job);
    }
  }

  #start(): Thread {
    const worker = new Worker(this.#script);
    const thread: Thread = { worker, job: null };
    worker.unref();
    worker.onmessage = (event: MessageEvent<HashResult>) => {
      const pending = thread.job;
      thread.job = null;
      worker.unref();
      pending?.resolve(event.data);
      this.#dispatch();
    };
    // A thread that failed or ended is replaced by a new one when work next needs it; the job
    // it had is answered as failed, never left waiting.
    worker.onerror = (event) => this.#lose(thread, event.message);
    worker.addEventListener("close", () => this.#lose(thread, "the hashing thread ended"));
    this.#threads.push(thread);
    return thread;
  }

  #lose(thread: Thread, error: string): void {
    if (!this.#threads.includes(thread)) return;
    this.#threads = this.#threads.filter((t) => t !== thread);
    const pending = thread.job;
    thread.job = null;
    thread.worker.terminate();
    pending?.resolve({ ok: false, error });
    this.#dispatch();
  }
}
