/**
 * A private `redis-server` for the cluster tests: a free port on 127.0.0.1, a temp folder, the
 * append-only file fsynced on every write. It can be killed with SIGKILL and started again on
 * the same port and folder, so what Redis acknowledged survives as it would in production.
 * No redis-server started here outlives the test process.
 */
import { RedisClient, type Subprocess } from "bun";
import { rmSync } from "node:fs";
import { diesWithParent, freePort } from "./ports.ts";
import { collect } from "./process.ts";
import { tempDir } from "./server.ts";

/** The redis-server program, or null when it is not installed (`.ci/run` installs it). */
export const REDIS_SERVER = Bun.which("redis-server");

/** True when redis-server can be run here. */
export const HAS_REDIS = REDIS_SERVER !== null;

/** Options of startRedis. */
export interface RedisOptions {
  /** "always" (the default) fsyncs each write; "everysec" is what a cluster must refuse. */
  appendfsync?: "always" | "everysec";
  /** How long a start may take before it fails with Redis's output (10 s by default). */
  timeoutMs?: number;
  /** Words before the command that exec it (the benchmark pins Redis to a core). */
  prefix?: string[];
  /** A replica of this Redis (host, port): `--replicaof`. */
  replicaOf?: { host: string; port: number };
}

/** A running redis-server. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Its working folder: the append-only files live here. */
  readonly dir: string;
  /** The process id of its current run (0 before the first start). */
  readonly pid: number;
  /** What it printed since its last start (the last 20,000 characters). */
  output(): string;
  /** SIGKILL (no shutdown, no final fsync), then wait for the exit. */
  kill9(): Promise<void>;
  /** Start again on the same port and folder (stopping it first if it runs); resolves on PONG. */
  restart(): Promise<void>;
  /** Kill it and remove its folder; calling it again does nothing. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Start a redis-server with `appendonly yes` and `appendfsync always`; resolves once it answers PING. */
export async function startRedis(opts: RedisOptions = {}): Promise<TestRedis> {
  const redis = new LocalRedis(freePort(), tempDir("chat-redis-"), opts);
  await redis.restart();
  return redis;
}

/** Answer PING at `url`, or throw why not; each attempt uses a fresh connection. */
export async function pingRedis(url: string): Promise<string> {
  const client = new RedisClient(url, { autoReconnect: false, connectionTimeout: 1000 });
  try {
    await client.connect();
    return String(await client.send("PING", []));
  } finally {
    client.close();
  }
}

class LocalRedis implements TestRedis {
  readonly url: string;
  #proc: Subprocess<"ignore", "pipe", "pipe"> | null = null;
  #log: { text: () => string }[] = [];
  #isStopped = false;

  constructor(
    readonly port: number,
    readonly dir: string,
    readonly opts: RedisOptions,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  get pid(): number {
    return this.#proc?.pid ?? 0;
  }

  output(): string {
    return this.#log.map((l) => l.text()).join("");
  }

  async kill9(): Promise<void> {
    await this.#end("SIGKILL");
  }

  async restart(): Promise<void> {
    if (this.#isStopped)
      throw new Error(`redis on port ${this.port} was stopped: its folder is gone`);
    await this.#end("SIGTERM");
    const cmd = [...(this.opts.prefix ?? []), REDIS_SERVER ?? "redis-server", ...this.#args()];
    const proc = Bun.spawn(diesWithParent(cmd), {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.#proc = proc;
    this.#log = [collect(proc.stdout), collect(proc.stderr)];
    await this.#waitReady(proc);
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    await this.#end("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  #args(): string[] {
    const fsync = this.opts.appendfsync ?? "always";
    return [
      ...["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir],
      ...["--appendonly", "yes", "--appendfsync", fsync, "--save", "", "--daemonize", "no"],
      ...(this.opts.replicaOf
        ? ["--replicaof", this.opts.replicaOf.host, String(this.opts.replicaOf.port)]
        : []),
    ];
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const proc = this.#proc;
    if (proc === null) return;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await proc.exited;
  }

  // PING rather than the log line: Redis answers LOADING until its append-only file is read.
  async #waitReady(proc: Subprocess): Promise<void> {
    const deadline = Date.now() + (this.opts.timeoutMs ?? START_TIMEOUT_MS);
    let lastError: unknown = null;
    while (Date.now() < deadline && proc.exitCode === null && proc.signalCode === null) {
      try {
        if ((await pingRedis(this.url)) === "PONG") return;
      } catch (err) {
        lastError = err;
      }
      await Bun.sleep(25);
    }
    const why =
      proc.exitCode === null && proc.signalCode === null ? "did not answer PING" : "exited";
    await this.#end("SIGKILL");
    throw new Error(
      `redis-server on port ${this.port} ${why} (last error: ${String(lastError)}):\n` +
        this.output().slice(-2000),
    );
  }
}
