/**
 * Section "redis-log": what one Redis Stream, the cluster's ordered log of changes, carries on
 * this machine with Bun's built-in client: plain pipelined `XADD`, the append script that takes
 * the sequence number and adds the entry atomically, batches of changes per entry, and a reader
 * on its own connection (`XREAD BLOCK`), with the append-only file fsynced on every write and,
 * for comparison, once a second.
 */
import { atLeast, median, num, pct, type Section } from "../lib/report.ts";
import { redisVersion } from "../lib/redis.ts";
import { oneLine, type Params } from "./common.ts";
import { type Run, runAll, type Timing } from "./redis-log-runs.ts";
import {
  BATCH,
  BATCH_WINDOW,
  PAYLOAD_BYTES,
  SEQ,
  STREAM,
  type Way,
  WAYS,
  WINDOW,
} from "./redis-log-ways.ts";

const ms = (x: number) => (Number.isFinite(x) ? `${num(x, x < 10 ? 2 : 1)} ms` : "-");
const pair = ([a, b]: [number, number]) => (Number.isFinite(a) ? `${ms(a)} / ${ms(b)}` : "-");

function row(way: Way, rs: Run[]): string[] {
  const med = (f: (r: Run) => number) => median(rs.map(f));
  return [
    way.name,
    way.fsync,
    num(med((r) => r.changes)),
    num(med((r) => r.calls)),
    way.hasReader ? num(med((r) => r.read)) : "-",
    pct(med((r) => r.redisCpu)),
    pct(med((r) => r.clientCpu)),
    num(
      med((r) => r.usecPerCall),
      1,
    ),
    num(
      med((r) => r.callsPerRead),
      1,
    ),
    pair([med((r) => r.ack[0]), med((r) => r.ack[1])]),
    way.hasReader ? pair([med((r) => r.lag[0]), med((r) => r.lag[1])]) : "-",
  ];
}

/** Measure the Redis log. */
export async function redisLogSection(p: Params): Promise<Section> {
  const t: Timing = p.quick
    ? { reps: 1, warmupSeconds: 0.1, seconds: 0.4 }
    : { reps: Math.min(p.reps, 2), warmupSeconds: 0.3, seconds: 2 };
  const runs = new Map<Way, Run[]>(WAYS.map((w) => [w, []]));
  const notes: string[] = [];
  if (Bun.which("redis-server") === null) notes.push("redis-server is not installed.");
  else {
    for (const fsync of ["always", "everysec"] as const) {
      try {
        await runAll(fsync, t, runs, notes);
      } catch (err) {
        notes.push(`Runs with appendfsync ${fsync} failed: ${oneLine(err)}`);
      }
    }
  }
  const rate = (way: Way) => median(runs.get(way)!.map((r) => r.changes));
  const read = (way: Way) => median(runs.get(way)!.map((r) => r.read));
  return {
    title: "One Redis log",
    method:
      `A private redis-server ${redisVersion()} on the server core, \`appendonly yes\`, ` +
      `\`appendfsync always\` (and \`everysec\` for comparison); Bun's \`RedisClient\` in the ` +
      `benchmark process, its automatic pipelining keeping up to ${num(WINDOW)} calls in ` +
      `flight. A change is ${PAYLOAD_BYTES} bytes. The append script does \`INCRBY ${SEQ} n\` ` +
      `then \`XADD ${STREAM} <first>-0 d <payload>\` (EVALSHA); a batch is one entry holding ` +
      `${BATCH} changes, ${BATCH_WINDOW} batches in flight. "Redis µs/call" and "calls per ` +
      `read" are Redis's own counters (INFO): the time it spent in the command, and the ` +
      `commands per socket read, the most one fsync can cover with \`always\`. The reader runs \`XREAD BLOCK 1000 COUNT 1000\` on its own connection ` +
      `from the start of the stream; "append to read" is the time from making a change to ` +
      `reading it back. ${t.reps} run(s) of ${t.seconds} s after ${t.warmupSeconds} s of ` +
      `warm-up, in rotating order, medians; the stream is emptied (FLUSHALL) before each. ` +
      `CPU as a share of one core.`,
    header: [
      "way",
      "appendfsync",
      "changes/s",
      "calls/s",
      "changes read/s",
      "Redis CPU",
      "client CPU",
      "Redis µs/call",
      "calls per read",
      "ack p50 / p99",
      "append to read p50 / p99",
    ],
    rows: WAYS.map((w) => row(w, runs.get(w)!)),
    ratios: [],
    targets: [
      atLeast(
        "changes appended by the script, AOF always",
        ">= 50,000/s",
        rate(WAYS[2]!),
        50_000,
        `${num(rate(WAYS[2]!))}/s`,
      ),
      atLeast(
        "changes read back by a second connection, AOF always",
        ">= 50,000/s",
        read(WAYS[4]!),
        50_000,
        `${num(read(WAYS[4]!))}/s`,
      ),
    ],
    notes,
  };
}
