/**
 * Waiting for replicas (`--redis-replicas N`): Redis's WAIT covers every write made before it
 * on the connection, so the appends acknowledged while one WAIT runs share the next one
 * instead of each waiting in turn.
 */
import type { RedisClient } from "bun";

/** How long one WAIT may take before it counts as failed (ms). */
const WAIT_MS = 1000;

/** The WAITs of one writer connection. */
export class Replication {
  #writer: RedisClient;
  #replicas: number;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  /** WAITs on `writer` for `replicas` replicas (0: none). */
  constructor(writer: RedisClient, replicas: number) {
    this.#writer = writer;
    this.#replicas = replicas;
  }

  /**
   * Resolves once `replicas` replicas have every write this connection made so far; rejects
   * when fewer have them in time.
   */
  written(): Promise<void> | null {
    if (this.#replicas === 0) return null;
    if (this.#running === null) return this.#start();
    // One WAIT runs already (it may not cover this write): the next one starts after it.
    this.#next ??= this.#running.catch(() => {}).then(() => this.#start());
    return this.#next;
  }

  #start(): Promise<void> {
    this.#next = null;
    const replicas = this.#replicas;
    const run = this.#writer
      .send("WAIT", [String(replicas), String(WAIT_MS)])
      .then((acked) => {
        if (Number(acked) < replicas) {
          throw new Error(`only ${Number(acked)} of ${replicas} replicas have it`);
        }
      })
      .finally(() => {
        if (this.#running === run) this.#running = null;
      });
    this.#running = run;
    return run;
  }
}
