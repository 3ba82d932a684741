/** The server's entry point: reads argv and env, wires store, domain and transport, exits. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Chat } from "./domain/chat.ts";
import type { ChatDeps } from "./domain/chat.ts";
import { Cluster } from "./cluster/cluster.ts";
import { Connections } from "./domain/connections.ts";
import { RateLimits } from "./domain/rate-limit.ts";
import { ChatState } from "./domain/state.ts";
import { snapshotOf, stateFrom } from "./domain/state-snapshot.ts";
import type { Logger } from "./domain/types.ts";
import { ConfigError, parseConfig, USAGE } from "./config.ts";
import type { Config } from "./config.ts";
import { createLogger, foldingLogger } from "./log.ts";
import { BUN_CRYPTO, bunPasswords, cpuCount, SYSTEM_CLOCK } from "./platform.ts";
import { defaultHashConcurrency, HashQueue } from "./domain/hash-queue.ts";
import { restrictDir } from "./store/files.ts";
import { JsonFileStore } from "./store/json-store.ts";
import { BunPublisher } from "./sockets.ts";
import { startTransport } from "./transport.ts";
import { VERSION } from "../shared/version.ts";
import type { Transport } from "./transport.ts";

const STOP_TIMEOUT_MS = 15_000;

function readConfig(): Config {
  try {
    return parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

function openStore(config: Config, log: Logger): JsonFileStore {
  return new JsonFileStore(config.dataDir, {
    historyLimit: config.historyLimit,
    onCompactError: (err) => log.error("compaction_failed", { error: err.message }),
  });
}

async function main(): Promise<void> {
  const config = readConfig();
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    process.stderr.write(`error: cannot create data folder ${config.dataDir}: ${String(err)}\n`);
    process.exit(1);
  }
  // An existing folder keeps its mode through mkdir: one from a checkout is 0755.
  const oldMode = await restrictDir(config.dataDir).catch((err: unknown) => {
    process.stderr.write(`error: cannot make ${config.dataDir} private: ${String(err)}\n`);
    process.exit(1);
  });
  const log = foldingLogger(createLogger(join(config.dataDir, "server.log")), SYSTEM_CLOCK);
  if (oldMode !== null) {
    log.info("data_folder_mode", { folder: config.dataDir, was: oldMode.toString(8), now: "700" });
  }
  process.on("unhandledRejection", (err) => {
    log.error("unhandled_rejection", { error: err instanceof Error ? err.stack : String(err) });
  });
  process.on("uncaughtException", (err) => {
    log.error("uncaught_exception", { error: err.stack ?? String(err) });
  });

  // One server keeps its state in the data folder; an instance of a cluster in Redis.
  let store: JsonFileStore | null = null;
  let cluster: Cluster | null = null;
  let state: ChatState;
  try {
    if (config.redisUrl !== null) {
      cluster = await Cluster.open({
        url: config.redisUrl,
        isUnsafe: config.isRedisUnsafe,
        replicas: config.redisReplicas,
        snapshotEvery: config.snapshotEvery,
        logger: log,
      });
      state = new ChatState(cluster.snapshot, config.historyLimit);
    } else {
      store = openStore(config, log);
      // The snapshot files, then the journal's tail applied as every change is; compaction
      // writes the snapshot files from this state (the store keeps no copy of its own).
      const loaded = stateFrom(await store.load(), config.historyLimit);
      state = loaded;
      store.attach(() => snapshotOf(loaded));
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error("load_failed", { error: message });
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }

  const publisher = new BunPublisher();
  const timeoutMs = config.instanceTimeoutSeconds * 1000;
  const shared = cluster?.share(publisher, SYSTEM_CLOCK, timeoutMs) ?? null;
  const hashConcurrency = config.hashConcurrency ?? defaultHashConcurrency(cpuCount());
  const deps: ChatDeps = {
    state,
    ...(store ? { store } : {}),
    clock: SYSTEM_CLOCK,
    crypto: BUN_CRYPTO,
    passwords: new HashQueue(bunPasswords(config.isPasswordCheap, hashConcurrency), {
      concurrency: hashConcurrency,
      maxWaiting: config.hashQueue === 0 ? null : config.hashQueue,
    }),
    // Typing and presence reach the clients of the other instances too.
    publisher: shared ? shared.publisher : publisher,
    log,
    limits: new RateLimits(SYSTEM_CLOCK, config.isRateLimited, config.accountLimits),
    conns: new Connections(),
  };
  // Limits and quotas count across the instances of a cluster.
  cluster?.shareLimits(deps.limits);
  const chat = new Chat(deps, {
    idleAfterSeconds: config.idleAfterSeconds,
    sessions: { maxPerUser: config.maxSessions, ttlMs: config.sessionTtlDays * 86_400_000 },
    roomQuotas: config.roomQuotas,
    replyBounds: config.replyBounds,
    moderation: config.moderation,
    presence: {
      offlineGraceMs: config.offlineGraceSeconds * 1000,
      intervalMs: config.presenceIntervalMs,
      windowMs: config.presenceWindowMs,
      usersPerEvent: config.presenceBatch,
    },
    ...(cluster
      ? {
          changeLog: (applier) => cluster.changeLog(applier, state),
          ...(shared ? { sharedPresence: shared.presence, sharedTyping: shared.typing } : {}),
        }
      : {}),
  });
  try {
    // An instance serves once it has applied every change made before it started.
    await cluster?.start();
  } catch (err) {
    const message = `cannot read the cluster's log: ${err instanceof Error ? err.message : String(err)}`;
    log.error("load_failed", { error: message });
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }
  let transport: Transport;
  try {
    transport = startTransport({
      hostname: config.host,
      port: config.port,
      ...(config.tlsCert && config.tlsKey
        ? { tls: { cert: Bun.file(config.tlsCert), key: Bun.file(config.tlsKey) } }
        : {}),
      chat,
      publisher,
      log,
      admission: {
        maxWaitingPerAddress: config.maxUnauthenticatedPerAddress,
        maxConnectionsPerUser: config.maxConnectionsPerUser,
        maxConnectionsPerAddress: config.maxConnectionsPerAddress,
        authDeadlineMs: config.authDeadlineSeconds * 1000,
      },
      requests: {
        requestsPerConnection: config.requestsPerConnection,
        requestsPerUser: config.requestsPerUser,
        isMalformedGuarded: config.isRateLimited,
        queuedBytes: config.queuedKib * 1024,
        framesPerRequest: config.framesPerRequest,
        replyBacklogBytes: config.replyBacklogKib * 1024,
        replyBytesPerRequest: config.replyKibPerRequest * 1024,
        ignoredWaitsMax: config.ignoredWaitsMax,
      },
      trustedProxies: config.trustedProxies,
      ...(shared ? { sharedCounts: shared.counts } : {}),
    });
  } catch (err) {
    const message = `cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`;
    log.error("listen_failed", { error: message });
    await store?.close();
    await cluster?.close();
    process.exit(1);
  }
  let isStopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    log.info("stop", { signal });
    // A disk that never answers must not keep the process alive forever.
    setTimeout(() => {
      log.error("stop_timeout", { seconds: STOP_TIMEOUT_MS / 1000 });
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    await transport.stop();
    chat.stop();
    try {
      await store?.close();
      await cluster?.close();
    } catch (err) {
      log.error("store_close_failed", { error: String(err) });
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.stdout.write(`[SERVER] Chat server running at ${transport.url}\n`);
  log.info("start", {
    url: transport.url,
    version: VERSION,
    data: config.dataDir,
    pid: process.pid,
  });
}

await main();
