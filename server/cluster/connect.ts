/**
 * Keeping Redis connections up through a Redis restart or a long outage. Bun's client
 * reconnects by itself a few times, then closes for good until `connect` is called again:
 * every connection of an instance is given up by Bun early (RETRIES) and connected again
 * here, with a growing wait, for as long as the instance runs.
 */
import { RedisClient } from "bun";
import type { Logger } from "../domain/types.ts";

/** Reconnections Bun's client tries by itself before it hands over to `keepConnected`. */
const RETRIES = 5;
/** The longest wait between two attempts (ms). */
const MAX_WAIT_MS = 2000;

/** A client of the cluster's Redis. */
export function redisClient(url: string): RedisClient {
  return new RedisClient(url, { maxRetries: RETRIES });
}

/** The wait before the `failures`-th attempt in a row. */
export function backoff(failures: number): number {
  return Math.min(MAX_WAIT_MS, 50 * 2 ** Math.min(failures, 6));
}

/**
 * Connect `client` again whenever Bun's client gives up, until the returned function is
 * called (the instance stops). `name` says which connection in the log.
 */
export function keepConnected(client: RedisClient, name: string, logger: Logger): () => void {
  let isStopped = false;
  let isRetrying = false;
  const retry = async (): Promise<void> => {
    if (isRetrying) return;
    isRetrying = true;
    for (let failures = 0; !isStopped && !client.connected; failures++) {
      await Bun.sleep(backoff(failures));
      if (isStopped) break;
      await client.connect().catch(() => {
        // Still down: wait longer and try again.
      });
    }
    isRetrying = false;
    if (!isStopped) logger.info("redis_reconnected", { connection: name });
  };
  client.onclose = (err) => {
    if (isStopped) return;
    logger.error("redis_lost", { connection: name, error: String(err) });
    void retry();
  };
  return () => {
    isStopped = true;
  };
}
