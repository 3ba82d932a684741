/**
 * Section "redis-log": what one Redis Stream, the cluster's ordered log of changes, carries on
 * this machine with Bun's built-in client: plain pipelined `XADD`, the append script that takes
 * the sequence number and adds the entry atomically, batches of changes per entry, and a reader
 * on its own connection (`XREAD BLOCK`), with the append-only file fsynced on every write and,
 * for comparison, once a second.
 */
import { RedisClient } from "bun";
import { cpuSeconds } from "../../tests/helpers/process.ts";
import { atLeast, median, num, pct, type Section } from "../lib/report.ts";
import { counters, type Fsync, type LocalRedis, redisVersion, startRedis } from "../lib/redis.ts";
import { oneLine, type Params, progress } from "./common.ts";

const PAYLOAD_BYTES = 200;
const WINDOW = 1000;
const BATCH = 16;
// Batches keep as many changes in flight as single changes do.
const BATCH_WINDOW = Math.ceil(WINDOW / BATCH);
const LATENCY_RATE = 5000;
const STREAM = "chat:log";
const SEQ = "chat:seq";

// The cluster's append: the sequence number and the entry in one atomic step; the entry's id
// is the seq of its first change, so a stream position is a cursor.
const APPEND_LUA = `local n = tonumber(ARGV[1])
local first = redis.call('INCRBY', KEYS[1], n) - n + 1
redis.call('XADD', KEYS[2], first .. '-0', 'd', ARGV[2])
return first`;

/** A payload of PAYLOAD_BYTES (times `n` for a batch) starting with the time it was made. */
function payload(n = 1): string {
  const head = `${performance.now().toFixed(3)}|`;
  return head + "x".repeat(PAYLOAD_BYTES * n - head.length);
}

/** One measured window: counts and CPU between its start and its end. */
class Window {
  calls = 0;
  read = 0;
  acks: number[] = [];
  lags: number[] = [];
  isOpen = false;
  #isDone = false;
  #t0 = 0;
  #redis0 = 0;
  #client0 = 0;
  seconds = NaN;
  redisCpu = NaN;
  clientCpu = NaN;

  constructor(readonly redisPid: number) {}

  open(): void {
    if (this.#isDone) return;
    this.isOpen = true;
    this.#t0 = performance.now();
    this.#redis0 = cpuSeconds(this.redisPid);
    this.#client0 = cpuMicros();
  }

  close(): void {
    // The timer and the end of the drive may both close it: the first one counts.
    if (!this.isOpen) return;
    this.isOpen = false;
    this.#isDone = true;
    this.seconds = (performance.now() - this.#t0) / 1000;
    this.redisCpu = (cpuSeconds(this.redisPid) - this.#redis0) / this.seconds;
    this.clientCpu = (cpuMicros() - this.#client0) / 1e6 / this.seconds;
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** What one way of appending does per call. */
interface Way {
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

const xadd = (c: RedisClient) => c.send("XADD", [STREAM, "*", "d", payload()]);
const script = (n: number) => (c: RedisClient, sha: string) =>
  c.send("EVALSHA", [sha, "2", SEQ, STREAM, String(n), payload(n)]);

const WAYS: Way[] = [
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

/** Read the stream from the start until `stop()`, counting changes and their age. */
function startReader(url: string, n: number, w: Window): { stop: () => Promise<void> } {
  const c = new RedisClient(url);
  let isStopped = false;
  const loop = (async () => {
    await c.connect();
    let last = "0-0";
    while (!isStopped) {
      const reply = (await c.send("XREAD", [
        ...["BLOCK", "1000", "COUNT", "1000", "STREAMS", STREAM, last],
      ])) as Record<string, [string, string[]][]> | null;
      const entries = reply?.[STREAM] ?? [];
      if (entries.length === 0) continue;
      last = entries.at(-1)![0];
      if (!w.isOpen) continue;
      const now = performance.now();
      w.read += entries.length * n;
      for (const [, fields] of entries) w.lags.push(now - Number.parseFloat(fields[1]!));
    }
  })();
  return {
    stop: async () => {
      isStopped = true;
      // The reader's last XREAD BLOCK returns within its 1 s timeout.
      await loop;
      c.close();
    },
  };
}

/** Keep `way.window` calls in flight (or pace them to `way.rate`) until `endAt`. */
async function drive(way: Way, c: RedisClient, sha: string, w: Window, endAt: number) {
  let inFlight = 0;
  const one = async () => {
    inFlight++;
    const t = performance.now();
    await way.call(c, sha);
    inFlight--;
    if (w.isOpen) {
      w.calls++;
      w.acks.push(performance.now() - t);
    }
  };
  if (way.rate === undefined) {
    const worker = async () => {
      while (performance.now() < endAt) await one();
    };
    await Promise.all(Array.from({ length: way.window }, worker));
    return;
  }
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() < endAt) {
    const due = Math.floor(((performance.now() - t0) / 1000) * way.rate);
    for (; sent < due && inFlight < way.window; sent++) {
      const p = one().finally(() => pending.delete(p));
      pending.add(p);
    }
    await Bun.sleep(1);
  }
  await Promise.all(pending);
}

/** The figures of one run of one way. */
interface Run {
  changes: number;
  calls: number;
  read: number;
  redisCpu: number;
  clientCpu: number;
  ack: [number, number];
  lag: [number, number];
  /** Microseconds Redis spent per call, its own count. */
  usecPerCall: number;
  /** Calls per socket read: with `always`, one fsync covers at most one read's commands. */
  callsPerRead: number;
}

function quantiles(xs: number[]): [number, number] {
  if (xs.length === 0) return [NaN, NaN];
  const s = xs.sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return [at(0.5), at(0.99)];
}

async function runWay(way: Way, redis: LocalRedis, sha: string, p: Timing): Promise<Run> {
  const c = new RedisClient(redis.url);
  await c.connect();
  await c.send("FLUSHALL", []);
  const command = way.call === xadd ? "xadd" : "evalsha";
  const before = await counters(c, command);
  const w = new Window(redis.pid);
  const reader = way.hasReader ? startReader(redis.url, way.n, w) : null;
  const start = performance.now();
  const endAt = start + (p.warmupSeconds + p.seconds) * 1000;
  setTimeout(() => w.open(), p.warmupSeconds * 1000);
  setTimeout(() => w.close(), (p.warmupSeconds + p.seconds) * 1000);
  try {
    await drive(way, c, sha, w, endAt);
    if (w.isOpen) w.close();
  } finally {
    await reader?.stop();
  }
  const after = await counters(c, command);
  c.close();
  const calls = after.calls - before.calls;
  return {
    usecPerCall: (after.usec - before.usec) / calls,
    callsPerRead: calls / (after.reads - before.reads),
    changes: (w.calls * way.n) / w.seconds,
    calls: w.calls / w.seconds,
    read: w.read / w.seconds,
    redisCpu: w.redisCpu,
    clientCpu: w.clientCpu,
    ack: quantiles(w.acks),
    lag: quantiles(w.lags),
  };
}

interface Timing {
  reps: number;
  warmupSeconds: number;
  seconds: number;
}

/** Run every way on a Redis with `fsync`, `reps` times in rotating order. */
async function runAll(fsync: Fsync, t: Timing, runs: Map<Way, Run[]>, notes: string[]) {
  const ways = WAYS.filter((w) => w.fsync === fsync);
  const redis = await startRedis(fsync);
  try {
    const admin = new RedisClient(redis.url);
    await admin.connect();
    const sha = String(await admin.send("SCRIPT", ["LOAD", APPEND_LUA]));
    for (let rep = 0; rep < t.reps; rep++) {
      for (let k = 0; k < ways.length; k++) {
        const way = ways[(rep + k) % ways.length]!;
        progress(`redis-log (${fsync}) ${rep + 1}/${t.reps}: ${way.name}`);
        runs.get(way)!.push(await runWay(way, redis, sha, t));
      }
    }
    const forks = /total_forks:(\d+)/.exec(String(await admin.send("INFO", ["stats"])))?.[1];
    if (forks !== undefined && forks !== "0")
      notes.push(`Redis (${fsync}) forked ${forks} times (append-only file rewrites) meanwhile.`);
    admin.close();
  } finally {
    await redis.stop();
  }
}

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
