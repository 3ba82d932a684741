/** Keeping a Redis connection up through a Redis restart or a long outage. */
import type { RedisClient } from "bun";

/** The longest wait between two attempts (ms). */
const MAX_WAIT_MS = 2000;

/**
 * Wait a while after the `failures`-th failure in a row, then connect again if the client
 * gave up (Bun's client retries by itself for about 30 s, then stays closed until `connect`).
 */
export async function reconnect(client: RedisClient, failures: number): Promise<void> {
  await Bun.sleep(Math.min(MAX_WAIT_MS, 50 * 2 ** Math.min(failures, 6)));
  if (client.connected) return;
  await client.connect().catch(() => {
    // Still down: the caller tries again after the next failure.
  });
}
