/** A private redis-server for the benchmark, pinned to the server core, and its counters. */
import type { RedisClient } from "bun";
import { startRedis as startPrivateRedis } from "../../tests/helpers/redis.ts";
import { pin } from "./proc.ts";
import { SERVER_CORE } from "./servers.ts";

/** How often Redis fsyncs its append-only file. */
export type Fsync = "always" | "everysec";

/** A private redis-server pinned to the server core. */
export interface LocalRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start redis-server (the tests' starter: a free port, a temp folder, `appendonly yes`) and
 * resolve once it answers PING; pinned to `core`, or not pinned when it is null.
 */
export async function startRedis(
  fsync: Fsync,
  core: number | null = SERVER_CORE,
): Promise<LocalRedis> {
  const redis = await startPrivateRedis({ appendfsync: fsync, prefix: pin(core) });
  return { url: redis.url, pid: redis.pid, stop: () => redis.stop() };
}

/** Redis's own counters: calls and time spent in `command`, and socket reads. */
export interface Counters {
  calls: number;
  usec: number;
  reads: number;
}

/** Read Redis's counters for `command` (lower case, e.g. `evalsha`). */
export async function counters(c: RedisClient, command: string): Promise<Counters> {
  const info = String(await c.send("INFO", ["all"]));
  const cmd = new RegExp(`cmdstat_${command}:calls=(\\d+),usec=(\\d+)`).exec(info);
  const reads = /total_reads_processed:(\d+)/.exec(info);
  return { calls: Number(cmd?.[1] ?? 0), usec: Number(cmd?.[2] ?? 0), reads: Number(reads?.[1]) };
}

/** The version of the installed redis-server. */
export function redisVersion(): string {
  const out = Bun.spawnSync(["redis-server", "--version"]).stdout.toString();
  return /v=([\d.]+)/.exec(out)?.[1] ?? "";
}
