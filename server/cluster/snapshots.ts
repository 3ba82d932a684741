/**
 * Snapshots of the state in Redis: every `every` changes one instance (the one that takes the
 * lock) stores the state as of the change it just applied, and trims the log behind the
 * snapshot before it, so a new instance starts from a snapshot and a short tail of the log.
 */
import type { RedisClient } from "bun";
import type { Snapshot } from "../store/store.ts";
import type { Logger } from "../domain/types.ts";
import { KEYS } from "./keys.ts";

/** How long a snapshot's writer holds the lock at most (ms). */
const LOCK_MS = 60_000;

/** A stored snapshot: the state, and the stream position of the last change it holds. */
export interface StoredSnapshot {
  at: number;
  state: Snapshot;
}

/** Read the latest snapshot, or null when the cluster has none yet. */
export async function readSnapshot(client: RedisClient): Promise<StoredSnapshot | null> {
  const text = await client.get(KEYS.snapshot);
  if (text === null) return null;
  const parsed = JSON.parse(text) as StoredSnapshot;
  if (typeof parsed.at !== "number" || typeof parsed.state !== "object") {
    throw new Error(`the snapshot in Redis (${KEYS.snapshot}) is not one this server wrote`);
  }
  return parsed;
}

/** Takes a snapshot every `every` changes applied. */
export class Snapshots {
  #client: RedisClient;
  #every: number;
  #instance: string;
  #logger: Logger;
  #count = 0;
  #writing: Promise<void> | null = null;

  /** Snapshots written through `client` by `instance`. */
  constructor(client: RedisClient, every: number, instance: string, logger: Logger) {
    this.#client = client;
    this.#every = every;
    this.#instance = instance;
    this.#logger = logger;
  }

  /**
   * A change that took `numbers` positions was applied; once `every` have passed, the
   * instance that takes the lock stores `take()` (the state as of the moment it runs, with the
   * position it holds).
   */
  applied(numbers: number, take: () => StoredSnapshot): void {
    this.#count += numbers;
    if (this.#count < this.#every || this.#writing) return;
    this.#count = 0;
    this.#writing = this.#write(take)
      .catch((err: unknown) => this.#logger.error("snapshot_failed", { error: String(err) }))
      .finally(() => {
        this.#writing = null;
      });
  }

  /** Wait for a snapshot being written (server stop). */
  async settle(): Promise<void> {
    await this.#writing;
  }

  async #write(take: () => StoredSnapshot): Promise<void> {
    const c = this.#client;
    const locked = await c.send("SET", [
      KEYS.snapshotLock,
      this.#instance,
      "NX",
      "PX",
      `${LOCK_MS}`,
    ]);
    if (locked === null) return; // another instance is writing one
    try {
      const before = Number((await c.get(KEYS.snapshotAt)) ?? "0");
      // Made in one step, between two entries applied: the state is exactly that position's.
      const snapshot = take();
      if (before >= snapshot.at) return;
      const text = JSON.stringify(snapshot);
      await c.set(KEYS.snapshot, text);
      await c.set(KEYS.snapshotAt, String(snapshot.at));
      // Trimmed behind the snapshot before this one: an instance a little behind still reads on.
      if (before > 0) {
        // Said before it is done: an instance reading behind it then knows it was.
        await c.set(KEYS.trimmedTo, String(before));
        await c.send("XTRIM", [KEYS.log, "MINID", `${before}-0`]);
      }
      this.#logger.info("snapshot", { at: snapshot.at, bytes: text.length });
    } finally {
      await c.del(KEYS.snapshotLock);
    }
  }
}
