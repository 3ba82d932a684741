/**
 * Waiting for replicas (`--redis-replicas N`): Redis's WAIT covers every write made before it
 * on the connection, so the appends acknowledged while one WAIT runs share the next one
 * instead of each waiting in turn.
 */
import type { RedisClient } from "bun";
import { Rounds } from "./rounds.ts";

/** How long one WAIT may take before it counts as failed (ms). */
const WAIT_MS = 1000;

/** The WAITs of one writer connection. */
export class Replication {
  #rounds: Rounds<void> | null;

  /** WAITs on `writer` for `replicas` replicas (0: none). */
  constructor(writer: RedisClient, replicas: number) {
    this.#rounds =
      replicas === 0
        ? null
        : new Rounds(async () => {
            const acked = Number(await writer.send("WAIT", [String(replicas), String(WAIT_MS)]));
            if (acked < replicas) throw new Error(`only ${acked} of ${replicas} replicas have it`);
          });
  }

  /**
   * Resolves once `replicas` replicas have every write this connection made so far; rejects
   * when fewer have them in time. One WAIT covers every write before it, so the appends
   * acknowledged while one runs share the next.
   */
  written(): Promise<void> | null {
    return this.#rounds?.next() ?? null;
  }
}
