/** A private redis-server for the benchmark, pinned to the server core, and its counters. */
import { RedisClient } from "bun";
import { pin, spawnTracked } from "./proc.ts";
import { SERVER_CORE, tempDir } from "./servers.ts";

/** How often Redis fsyncs its append-only file. */
export type Fsync = "always" | "everysec";

/** A private redis-server pinned to the server core. */
export interface LocalRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** Start redis-server on a free port, `appendonly yes`, and wait for PING. */
export async function startRedis(fsync: Fsync): Promise<LocalRedis> {
  const port = freePort();
  const proc = spawnTracked([
    ...pin(SERVER_CORE),
    "redis-server",
    ...["--port", String(port), "--bind", "127.0.0.1", "--dir", tempDir("redis")],
    ...["--appendonly", "yes", "--appendfsync", fsync, "--save", "", "--daemonize", "no"],
  ]);
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill("SIGKILL");
    await proc.exited;
  };
  const deadline = Date.now() + 10_000;
  // PING on a fresh connection: Redis answers LOADING until its append-only file is read.
  while (Date.now() < deadline && proc.exitCode === null) {
    const probe = new RedisClient(url, { autoReconnect: false, connectionTimeout: 1000 });
    try {
      await probe.connect();
      if ((await probe.send("PING", [])) === "PONG") return { url, pid: proc.pid, stop };
    } catch {
      // Not listening yet: try again shortly.
    } finally {
      probe.close();
    }
    await Bun.sleep(25);
  }
  await stop();
  throw new Error(`redis-server on port ${port} did not answer PING`);
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
