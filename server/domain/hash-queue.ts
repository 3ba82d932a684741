/**
 * Password hashing through a bounded queue: no more hashes run at once than the machine has
 * cores to spare beside the event loop, and no more than `maxWaiting` wait for one; beyond
 * that a request is refused `rate_limited` at once instead of queueing behind work it would
 * wait seconds for.
 */
import { ChatError } from "../../shared/errors.ts";
import type { PasswordHasher } from "./types.ts";

/** The sizes of a HashQueue. */
export interface HashQueueOptions {
  /** Hashes running at once (by default one core fewer than the machine has, at least 1). */
  concurrency: number;
  /** Hashes waiting for a free slot; null for no bound (`--no-rate-limit`). */
  maxWaiting: number | null;
}

/**
 * Hashes run at once by default on a machine with `cores` cores: one core is left to the event
 * loop, since a hash thread on every core halves the loop's share of its own core and every
 * other user's messages wait behind password work. On one core: a single hash at a time.
 */
export function defaultHashConcurrency(cores: number): number {
  return Math.max(1, cores - 1);
}

// What a refused client is told to wait: about one hash's time on a busy machine.
const RETRY_AFTER_MS = 1000;

/** A PasswordHasher that runs at most `concurrency` hashes of the one it wraps at a time. */
export class HashQueue implements PasswordHasher {
  #inner: PasswordHasher;
  #opts: HashQueueOptions;
  #running = 0;
  #waiting: (() => void)[] = [];

  /** Wrap `inner`; `opts.concurrency` is at least 1. */
  constructor(inner: PasswordHasher, opts: HashQueueOptions) {
    this.#inner = inner;
    this.#opts = { ...opts, concurrency: Math.max(1, opts.concurrency) };
  }

  /** Hashes running now. */
  get running(): number {
    return this.#running;
  }

  /** Hashes waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Hash a password once a slot is free; rate_limited when the queue is full. */
  hash(password: string): Promise<string> {
    return this.#run(() => this.#inner.hash(password));
  }

  /** Check a password once a slot is free; rate_limited when the queue is full. */
  verify(password: string, hash: string): Promise<boolean> {
    return this.#run(() => this.#inner.verify(password, hash));
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running < this.#opts.concurrency) {
      this.#running++;
    } else {
      const max = this.#opts.maxWaiting;
      if (max !== null && this.#waiting.length >= max) {
        throw new ChatError(
          "rate_limited",
          "the server is busy checking passwords; retry in a second",
          RETRY_AFTER_MS,
        );
      }
      // The slot is handed over by the run that finishes: `#running` stays as it is.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
