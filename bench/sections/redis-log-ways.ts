/**
 * The ways of appending to the cluster's Redis log that the "redis-log" section compares: plain
 * `XADD`, the append script, batches of changes per entry, with or without a reader.
 */
import type { RedisClient } from "bun";
import { num } from "../lib/report.ts";
import type { Fsync } from "../lib/redis.ts";

/** The bytes of one change. */
export const PAYLOAD_BYTES = 200;
/** Calls in flight at once. */
export const WINDOW = 1000;
/** Changes per entry in a batch. */
export const BATCH = 16;
/** Batches in flight: as many changes as single changes keep. */
export const BATCH_WINDOW = Math.ceil(WINDOW / BATCH);
/** The rate of the latency row, in changes per second. */
const LATENCY_RATE = 5000;
/** The stream of the log. */
export const STREAM = "chat:log";
/** The counter of sequence numbers. */
export const SEQ = "chat:seq";

/**
 * The cluster's append: the sequence number and the entry in one atomic step; the entry's id
 * is the seq of its first change, so a stream position is a cursor.
 */
export const APPEND_LUA = `local n = tonumber(ARGV[1])
local first = redis.call('INCRBY', KEYS[1], n) - n + 1
redis.call('XADD', KEYS[2], first .. '-0', 'd', ARGV[2])
return first`;

/** A payload of PAYLOAD_BYTES (times `n` for a batch) starting with the time it was made. */
function payload(n = 1): string {
  const head = `${performance.now().toFixed(3)}|`;
  return head + "x".repeat(PAYLOAD_BYTES * n - head.length);
}

/** What one way of appending does per call. */
export interface Way {
  name: string;
  fsync: Fsync;
  /** Changes per call. */
  n: number;
  /** Calls in flight at once. */
  window: number;
  /** Read the stream back on a second connection. */
  hasReader?: boolean;
  /** A fixed rate of changes per second instead of as fast as the window allows. */
  rate?: number;
  call(c: RedisClient, sha: string): Promise<unknown>;
}

/** Plain `XADD` of one change. */
export const xadd = (c: RedisClient) => c.send("XADD", [STREAM, "*", "d", payload()]);
/** The append script with `n` changes in one entry. */
const script = (n: number) => (c: RedisClient, sha: string) =>
  c.send("EVALSHA", [sha, "2", SEQ, STREAM, String(n), payload(n)]);

/** Every way, in the order of the table. */
export const WAYS: Way[] = [
  { name: "XADD, one at a time", fsync: "always", n: 1, window: 1, call: xadd },
  { name: `XADD, ${WINDOW} in flight`, fsync: "always", n: 1, window: WINDOW, call: xadd },
  { name: "append script", fsync: "always", n: 1, window: WINDOW, call: script(1) },
  {
    name: `append script, ${BATCH} changes per entry`,
    fsync: "always",
    n: BATCH,
    window: BATCH_WINDOW,
    call: script(BATCH),
  },
  {
    name: "append script + reader",
    fsync: "always",
    n: 1,
    window: WINDOW,
    hasReader: true,
    call: script(1),
  },
  {
    name: `append script, ${BATCH} per entry + reader`,
    fsync: "always",
    n: BATCH,
    window: BATCH_WINDOW,
    hasReader: true,
    call: script(BATCH),
  },
  {
    name: `append script + reader at ${num(LATENCY_RATE)} changes/s`,
    fsync: "always",
    n: 1,
    window: WINDOW,
    hasReader: true,
    rate: LATENCY_RATE,
    call: script(1),
  },
  { name: `XADD, ${WINDOW} in flight`, fsync: "everysec", n: 1, window: WINDOW, call: xadd },
  { name: "append script", fsync: "everysec", n: 1, window: WINDOW, call: script(1) },
];
