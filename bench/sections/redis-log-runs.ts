/**
 * The runs of the "redis-log" section: each way of appending driven against a private Redis for
 * a measured window, counting calls, changes read back, their latencies and CPU.
 */
import { RedisClient } from "bun";
import { cpuSeconds } from "../../tests/helpers/process.ts";
import { counters, type Fsync, type LocalRedis, startRedis } from "../lib/redis.ts";
import { progress } from "./common.ts";
import { APPEND_LUA, STREAM, type Way, WAYS, xadd } from "./redis-log-ways.ts";

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
export interface Run {
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

/** Repetitions and the seconds of warm-up and of measurement of each run. */
export interface Timing {
  reps: number;
  warmupSeconds: number;
  seconds: number;
}

/** Run every way on a Redis with `fsync`, `reps` times in rotating order. */
export async function runAll(fsync: Fsync, t: Timing, runs: Map<Way, Run[]>, notes: string[]) {
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
