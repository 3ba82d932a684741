/**
 * HAProxy in front of server instances, for the cluster tests: TCP mode (WebSockets pass
 * untouched), round robin, an HTTP health check on /health. `balancerConfig` is the one source
 * of the configuration, for the tests and the README alike. No haproxy started here outlives
 * the test process.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diesWithParent, freePort } from "./ports.ts";
import { collect } from "./process.ts";
import { tempDir } from "./server.ts";

/** The haproxy program (Debian puts it in /usr/sbin, often off PATH), or null when missing. */
export const HAPROXY =
  Bun.which("haproxy") ?? (existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : null);

/** True when haproxy can be run here. */
export const HAS_HAPROXY = HAPROXY !== null;

/** One server instance behind the balancer. */
export interface Backend {
  host: string;
  port: number;
}

/** What balancerConfig needs. */
export interface BalancerConfigOptions {
  /** Where clients connect, e.g. "127.0.0.1:8765" or ":443". */
  bind: string;
  backends: Backend[];
  /** A unix socket for `show stat` (the tests read the health checks through it). */
  statsSocket?: string;
}

/** One server's line of `show stat`: its name, "UP", "DOWN", "UP 1/2"..., its last check. */
export interface ServerState {
  name: string;
  status: string;
  check: string;
}

/** A running haproxy. */
export interface TestBalancer {
  /** `ws://127.0.0.1:PORT`: what clients use instead of an instance's address. */
  readonly url: string;
  readonly port: number;
  /** The configuration it runs, as balancerConfig wrote it. */
  readonly config: string;
  /** What haproxy printed (the last 20,000 characters). */
  output(): string;
  /** The backends' states from `show stat`, in configuration order. */
  servers(): Promise<ServerState[]>;
  /** Wait until exactly `count` backends take connections, each with a passed health check. */
  waitUntilUp(count: number, timeoutMs?: number): Promise<void>;
  /** Stop haproxy and remove its folder; calling it again does nothing. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5000;

/**
 * The HAProxy configuration for instances of the chat server. HTTP mode with `forwardfor`
 * tells each instance the client's address (start them with `--trusted-proxy`); timeouts of
 * an hour keep idle WebSockets open (the server's own pings keep them alive); a dead instance
 * leaves the rotation after two failed checks 300 ms apart and is back after one good one.
 */
export function balancerConfig(opts: BalancerConfigOptions): string {
  const stats = opts.statsSocket ? [`  stats socket ${opts.statsSocket} mode 600 level admin`] : [];
  const servers = opts.backends.map(
    (b, i) => `  server instance${i + 1} ${b.host}:${b.port} check inter 300 fall 2 rise 1`,
  );
  return [
    "global",
    ...stats,
    "",
    "defaults",
    // HTTP mode (WebSockets pass as well) to tell each instance the client's address.
    "  mode http",
    "  option forwardfor",
    // A connection to an instance that just went away is tried again on another one.
    "  retries 3",
    "  option redispatch",
    "  timeout connect 2s",
    "  timeout client 1h",
    "  timeout server 1h",
    "  timeout tunnel 1h",
    "  timeout http-request 10s",
    "",
    "frontend chat",
    `  bind ${opts.bind}`,
    "  default_backend chat_instances",
    "",
    "backend chat_instances",
    "  balance roundrobin",
    "  option httpchk GET /health",
    "  http-check expect status 200",
    ...servers,
    "",
  ].join("\n");
}

/** Start `haproxy -db` on a free 127.0.0.1 port in front of `backends`; resolves once it answers. */
export async function startBalancer(backends: Backend[]): Promise<TestBalancer> {
  const dir = tempDir("chat-haproxy-");
  const port = freePort();
  const socket = join(dir, "stats.sock");
  const config = balancerConfig({ bind: `127.0.0.1:${port}`, backends, statsSocket: socket });
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, config);
  const proc = Bun.spawn(diesWithParent([HAPROXY ?? "haproxy", "-f", file, "-db"]), {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const log = [collect(proc.stdout), collect(proc.stderr)];
  const output = () => log.map((l) => l.text()).join("");
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const servers = async () => parseStat(await showStat(socket));
  const fail = async (why: string) => {
    await stop();
    return new Error(`haproxy on port ${port} ${why}:\n${output().slice(-2000)}`);
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while ((await servers().catch(() => null)) === null) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw await fail("exited");
    if (Date.now() > deadline) throw await fail("did not open its stats socket");
    await Bun.sleep(25);
  }
  const waitUntilUp = async (count: number, timeoutMs = START_TIMEOUT_MS) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const states = await servers();
      const inRotation = states.filter((s) => s.status.startsWith("UP"));
      if (inRotation.length === count && inRotation.every((s) => s.check === "L7OK")) return;
      if (Date.now() > until) {
        throw new Error(
          `not ${count} backends up within ${timeoutMs} ms: ${JSON.stringify(states)}`,
        );
      }
      await Bun.sleep(25);
    }
  };
  return { url: `ws://127.0.0.1:${port}`, port, config, output, servers, waitUntilUp, stop };
}

// `show stat` over the admin socket: haproxy answers one command, then closes.
function showStat(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const decoder = new TextDecoder();
    Bun.connect({
      unix: path,
      socket: {
        open: (s) => void s.write("show stat\n"),
        data: (_s, chunk) => void (text += decoder.decode(chunk, { stream: true })),
        close: () => resolve(text),
        error: (_s, err) => reject(err),
      },
    }).catch(reject);
  });
}

// The CSV's header line names the columns ("# pxname,svname,..."); rows of the backend's servers.
function parseStat(csv: string): ServerState[] {
  const [header = "", ...rows] = csv.trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? "";
  if (!cols.includes("svname"))
    throw new Error(`unexpected show stat answer: ${csv.slice(0, 200)}`);
  return rows
    .map((line) => line.split(","))
    .filter((row) => at(row, "pxname") === "chat_instances")
    .filter((row) => !["FRONTEND", "BACKEND"].includes(at(row, "svname")))
    .map((row) => ({
      name: at(row, "svname"),
      status: at(row, "status"),
      check: at(row, "check_status"),
    }));
}
