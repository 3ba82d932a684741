/** The server's flags and environment, parsed and checked into one Config. */
import { parseArgs } from "node:util";
import type { AccountConfig } from "./config-accounts.ts";
import { ACCOUNT_OPTIONS, ACCOUNT_USAGE, parseAccountConfig } from "./config-accounts.ts";
import type { RoomConfig } from "./config-rooms.ts";
import { parseRoomConfig, ROOM_OPTIONS, ROOM_USAGE } from "./config-rooms.ts";
import type { ClusterConfig } from "./config-cluster.ts";
import { CLUSTER_OPTIONS, CLUSTER_USAGE, parseClusterConfig } from "./config-cluster.ts";
import { parseTrustedProxies } from "./forwarded.ts";
import type { TrustedProxies } from "./forwarded.ts";

/** The server's settings, from flags and environment (flags win). */
export interface Config extends AccountConfig, RoomConfig, ClusterConfig {
  host: string;
  port: number;
  dataDir: string;
  idleAfterSeconds: number;
  historyLimit: number;
  tlsCert: string | null;
  tlsKey: string | null;
  isRateLimited: boolean;
  /** Cheap argon2 parameters: tests only (CHAT_PASSWORD_COST=low). */
  isPasswordCheap: boolean;
  /** Seconds a connection may stay unauthenticated (CHAT_AUTH_DEADLINE, default 600). */
  authDeadlineSeconds: number;
  /** Authenticated connections per user (0: no quota). */
  maxConnectionsPerUser: number;
  /** Authenticated connections per address (0: no quota). */
  maxConnectionsPerAddress: number;
  /** Connections per address not authenticated yet; more are refused with HTTP 429 (0: none). */
  maxUnauthenticatedPerAddress: number;
  /** Requests per second per connection, bursts of 4 s worth (0: no limit). */
  requestsPerConnection: number;
  /** Requests per second per user across connections, bursts of 4 s worth (0: no limit). */
  requestsPerUser: number;
  /** KiB of frames that may wait behind a connection's login in flight (0: no bound). */
  queuedKib: number;
  /** Events of a sync or catch-up page that cost the user one request (0: free). */
  framesPerRequest: number;
  /** KiB of replies that may wait to reach one user before paged requests are refused (0: no bound). */
  replyBacklogKib: number;
  /** KiB of a reply that cost its user one more request (0: free). */
  replyKibPerRequest: number;
  /** Requests refused while told to wait past which a connection is closed, 4029 (0: never). */
  ignoredWaitsMax: number;
  /** Reverse proxies whose X-Forwarded-For / Forwarded name the client's address (none). */
  trustedProxies: TrustedProxies;
  /** Seconds without a live connection before a user is offline (0: at once). */
  offlineGraceSeconds: number;
  /** Least milliseconds between two presence events of one user (0: none). */
  presenceIntervalMs: number;
  /** Milliseconds over which a room's presence changes are gathered into one event (0: none). */
  presenceWindowMs: number;
  /** The most users one presence event lists. */
  presenceBatch: number;
}

/** Usage text printed with a configuration error. */
export const USAGE =
  "usage: bun run server [--host H] [--port P] [--data DIR] [--idle-after SECONDS]\n" +
  "                      [--history-limit N] [--tls-cert FILE --tls-key FILE] [--no-rate-limit]\n" +
  "                      [--max-connections-per-user N] [--max-connections-per-address N]\n" +
  "                      [--max-unauthenticated-per-address N]\n" +
  "                      [--requests-per-connection N] [--requests-per-user N]\n" +
  "                      [--frames-per-request N] [--reply-backlog-kib N]\n" +
  "                      [--reply-kib-per-request N] [--ignored-waits N]\n" +
  "                      [--login-queue-kib N] [--trusted-proxy ADDR[,ADDR...]]\n" +
  "                      [--offline-grace SECONDS] [--presence-interval-ms MS]\n" +
  "                      [--presence-window-ms MS] [--presence-batch N]\n" +
  ACCOUNT_USAGE +
  ROOM_USAGE +
  CLUSTER_USAGE;

/** A configuration error: printed with the usage, exit code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function int(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${what} must be a whole number from ${min} to ${max}, not '${value}'`);
  }
  return n;
}

/** Read flags and environment into a Config; throws ConfigError on bad input. */
export function parseConfig(argv: string[], env: Record<string, string | undefined>): Config {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        data: { type: "string" },
        "idle-after": { type: "string" },
        "history-limit": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "no-rate-limit": { type: "boolean" },
        "rate-limit": { type: "boolean" },
        ...ACCOUNT_OPTIONS,
        ...ROOM_OPTIONS,
        ...CLUSTER_OPTIONS,
        "max-connections-per-user": { type: "string" },
        "max-connections-per-address": { type: "string" },
        "max-unauthenticated-per-address": { type: "string" },
        "requests-per-connection": { type: "string" },
        "requests-per-user": { type: "string" },
        "login-queue-kib": { type: "string" },
        "offline-grace": { type: "string" },
        "presence-interval-ms": { type: "string" },
        "presence-window-ms": { type: "string" },
        "presence-batch": { type: "string" },
        "frames-per-request": { type: "string" },
        "reply-backlog-kib": { type: "string" },
        "reply-kib-per-request": { type: "string" },
        "ignored-waits": { type: "string" },
        "trusted-proxy": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const tlsCert = values["tls-cert"] ?? null;
  const tlsKey = values["tls-key"] ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) {
    throw new ConfigError("--tls-cert and --tls-key go together");
  }
  return {
    host: values.host ?? env.CHAT_HOST ?? "0.0.0.0",
    port: int(values.port ?? env.CHAT_PORT ?? "8765", "port", 0, 65535),
    dataDir: values.data ?? env.CHAT_DATA_DIR ?? "./data",
    idleAfterSeconds: int(
      values["idle-after"] ?? env.CHAT_IDLE_AFTER ?? "300",
      "idle-after",
      0,
      1e7,
    ),
    historyLimit: int(values["history-limit"] ?? "200", "history-limit", 1, 100_000),
    tlsCert,
    tlsKey,
    isRateLimited: !values["no-rate-limit"],
    isPasswordCheap: env.CHAT_PASSWORD_COST === "low",
    authDeadlineSeconds: int(env.CHAT_AUTH_DEADLINE ?? "600", "CHAT_AUTH_DEADLINE", 1, 1e7),
    trustedProxies: trustedProxies(values["trusted-proxy"]),
    ...presenceFlags(values, !values["no-rate-limit"]),
    ...frontDoor(values, !values["no-rate-limit"]),
    ...parseAccountConfig(values, !values["no-rate-limit"], (m) => new ConfigError(m)),
    ...parseRoomConfig(values, !values["no-rate-limit"], (m) => new ConfigError(m)),
    ...parseClusterConfig(values, env, (m) => new ConfigError(m)),
  };
}

// How presence reaches the rooms: the grace and the interval are flood bounds like the front
// door's, so under --no-rate-limit each is off (every change told at once) unless given.
function presenceFlags(
  values: Record<string, string | boolean | undefined>,
  isOn: boolean,
): Pick<
  Config,
  "offlineGraceSeconds" | "presenceIntervalMs" | "presenceWindowMs" | "presenceBatch"
> {
  const get = (flag: string, fallback: number, max: number): number => {
    const value = values[flag];
    if (typeof value === "string") return int(value, flag, 0, max);
    return isOn ? fallback : 0;
  };
  return {
    offlineGraceSeconds: get("offline-grace", 5, 3600),
    presenceIntervalMs: get("presence-interval-ms", 500, 60_000),
    // Not a flood bound but what makes arrivals in a big room cost O(n): on in every mode.
    presenceWindowMs: int(
      String(values["presence-window-ms"] ?? 100),
      "presence-window-ms",
      0,
      10_000,
    ),
    presenceBatch: int(String(values["presence-batch"] ?? 200), "presence-batch", 1, 10_000),
  };
}

// `--trusted-proxy ADDR[,ADDR...]`: addresses only (a name would need a lookup, and could change).
function trustedProxies(value: string | boolean | undefined): TrustedProxies {
  if (typeof value !== "string") return new Set();
  const { proxies, bad } = parseTrustedProxies(value);
  if (bad !== null) throw new ConfigError(`--trusted-proxy takes IP addresses, not '${bad}'`);
  return proxies;
}

// The bounds of the front door: each flag's value, else its default; under --no-rate-limit
// (`isOn` false) every one not given explicitly is 0, off.
function frontDoor(
  values: Record<string, string | boolean | undefined>,
  isOn: boolean,
): Pick<
  Config,
  | "maxConnectionsPerUser"
  | "maxConnectionsPerAddress"
  | "maxUnauthenticatedPerAddress"
  | "requestsPerConnection"
  | "requestsPerUser"
  | "queuedKib"
  | "framesPerRequest"
  | "replyBacklogKib"
  | "replyKibPerRequest"
  | "ignoredWaitsMax"
> {
  const get = (flag: string, fallback: number): number => {
    const value = values[flag];
    if (typeof value === "string") return int(value, flag, 0, 1e7);
    return isOn ? fallback : 0;
  };
  return {
    maxConnectionsPerUser: get("max-connections-per-user", 20),
    maxConnectionsPerAddress: get("max-connections-per-address", 200),
    maxUnauthenticatedPerAddress: get("max-unauthenticated-per-address", 64),
    requestsPerConnection: get("requests-per-connection", 50),
    requestsPerUser: get("requests-per-user", 100),
    queuedKib: get("login-queue-kib", 1024),
    framesPerRequest: get("frames-per-request", 100),
    replyBacklogKib: get("reply-backlog-kib", 2048),
    replyKibPerRequest: get("reply-kib-per-request", 16),
    ignoredWaitsMax: get("ignored-waits", 100),
  };
}
