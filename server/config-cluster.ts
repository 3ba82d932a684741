/**
 * The flags of cluster mode: the Redis that holds the shared log, how durable an
 * acknowledged change must be, how often the state is snapshotted, and when a silent
 * instance counts as gone. Parsed here and
 * spread into the server's Config by config.ts.
 */

/** The cluster settings of the server; `redisUrl` null runs the single-process server. */
export interface ClusterConfig {
  /** redis://HOST:PORT of the cluster's Redis (`--redis`, env CHAT_REDIS_URL), or null. */
  redisUrl: string | null;
  /** Start even when Redis would lose acknowledged changes in a crash (logged loudly). */
  isRedisUnsafe: boolean;
  /** Replicas that must have a change before it is acknowledged (`WAIT`); 0: none. */
  redisReplicas: number;
  /** Seconds after its last heartbeat when an instance counts as gone (its users offline). */
  instanceTimeoutSeconds: number;
  /** Changes between two snapshots of the state in Redis. */
  snapshotEvery: number;
}

/** parseArgs options of the cluster flags. */
export const CLUSTER_OPTIONS = {
  redis: { type: "string" },
  "redis-unsafe": { type: "boolean" },
  "redis-replicas": { type: "string" },
  "instance-timeout": { type: "string" },
  "snapshot-every": { type: "string" },
} as const;

/** The usage lines of the cluster flags. */
export const CLUSTER_USAGE =
  "\n                      [--redis redis://HOST:PORT [--redis-replicas N] [--redis-unsafe]" +
  "\n                       [--instance-timeout SECONDS] [--snapshot-every N]]";

type Values = Record<string, string | boolean | undefined>;

/** The cluster settings from flags (and CHAT_REDIS_URL); `fail` makes the error thrown. */
export function parseClusterConfig(
  v: Values,
  env: Record<string, string | undefined>,
  fail: (message: string) => Error,
): ClusterConfig {
  const whole = (flag: string, fallback: number, min: number, max: number): number => {
    const given = v[flag];
    const value = typeof given === "string" ? given : String(fallback);
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw fail(`--${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
    }
    return n;
  };
  const given = typeof v.redis === "string" ? v.redis : (env.CHAT_REDIS_URL ?? "");
  const redisUrl = given === "" ? null : given;
  if (redisUrl !== null && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw fail(`--redis must be a redis://HOST:PORT address, not '${redisUrl}'`);
  }
  return {
    redisUrl,
    isRedisUnsafe: v["redis-unsafe"] === true,
    redisReplicas: whole("redis-replicas", 0, 0, 100),
    instanceTimeoutSeconds: whole("instance-timeout", 10, 1, 3600),
    snapshotEvery: whole("snapshot-every", 10_000, 100, 10_000_000),
  };
}
