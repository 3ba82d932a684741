/**
 * Cluster mode: this server as one instance of several over one Redis. Opening checks that
 * Redis keeps what it acknowledges, reads the latest snapshot, and gives the domain a change
 * log over the shared stream; the domain code is the same as on a single server.
 */
import type { RedisClient } from "bun";
import { emptySnapshot } from "../store/store.ts";
import type { Snapshot } from "../store/store.ts";
import type { ChangeApplier } from "../domain/apply-change.ts";
import type { ChatState } from "../domain/state.ts";
import { snapshotOf } from "../domain/state-snapshot.ts";
import type { Logger, Publisher } from "../domain/types.ts";
import { Signals } from "./signals.ts";
import { keepConnected, redisClient } from "./connect.ts";
import { ClusterPresence } from "./presence.ts";
import { Instances } from "./instances.ts";
import { ClusterTyping } from "./typing.ts";
import { SharedConnectionCounts } from "./connection-counts.ts";
import { SharedUsage } from "./usage.ts";
import type { RateLimits } from "../domain/rate-limit.ts";
import type { Clock } from "../domain/types.ts";
import { checkDurability } from "./durability.ts";
import { RedisChangeLog } from "./redis-log.ts";
import { readSnapshot, Snapshots } from "./snapshots.ts";

/** What an instance shares with the others besides the log (see `Cluster.share`). */
export interface Shared {
  signals: Signals;
  instances: Instances;
  clock: Clock;
  publisher: Publisher;
  presence: ClusterPresence;
  typing: ClusterTyping;
  counts: SharedConnectionCounts;
}

/** How the instance runs. */
export interface ClusterOptions {
  url: string;
  /** Start even when Redis would lose acknowledged changes (logged loudly). */
  isUnsafe: boolean;
  replicas: number;
  snapshotEvery: number;
  logger: Logger;
}

/** An open cluster connection: the state to start from and the log to go on with. */
export class Cluster {
  /** The state of the latest snapshot (empty when there is none yet). */
  readonly snapshot: Snapshot;
  /** This instance's id in the cluster. */
  readonly instance: string;
  #writer: RedisClient;
  #reader: RedisClient;
  #from: number;
  #opts: ClusterOptions;
  #log: RedisChangeLog | null = null;
  #snapshots: Snapshots;
  #shared: Shared | null = null;
  #usage: SharedUsage | null = null;
  #stops: (() => void)[] = [];

  private constructor(
    writer: RedisClient,
    reader: RedisClient,
    opts: ClusterOptions,
    from: number,
    snapshot: Snapshot,
  ) {
    this.#writer = writer;
    this.#reader = reader;
    this.#opts = opts;
    this.#from = from;
    this.snapshot = snapshot;
    this.instance = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.#snapshots = new Snapshots(writer, opts.snapshotEvery, this.instance, opts.logger);
    this.#stops.push(keepConnected(writer, "writer", opts.logger));
    this.#stops.push(keepConnected(reader, "reader", opts.logger));
  }

  /** Connect, check durability and read the latest snapshot; throws with a clear message. */
  static async open(opts: ClusterOptions): Promise<Cluster> {
    const writer = redisClient(opts.url);
    const reader = redisClient(opts.url);
    try {
      await writer.connect();
      await reader.connect();
    } catch (err) {
      writer.close();
      reader.close();
      throw new Error(`cannot reach Redis at ${opts.url}: ${(err as Error).message}`);
    }
    try {
      await checkDurability(writer, opts.url, opts.isUnsafe, opts.logger);
      const stored = await readSnapshot(writer);
      return new Cluster(writer, reader, opts, stored?.at ?? 0, stored?.state ?? emptySnapshot());
    } catch (err) {
      writer.close();
      reader.close();
      throw err;
    }
  }

  /** The shared log for the domain over `state`, applied with `applier`. */
  changeLog(applier: ChangeApplier, state: ChatState): RedisChangeLog {
    const log = new RedisChangeLog(this.#writer, this.#reader, applier, state, this.#from, {
      instance: this.instance,
      logger: this.#opts.logger,
      replicas: this.#opts.replicas,
      onApplied: (numbers) =>
        this.#snapshots.applied(numbers, () => ({ at: log.position, state: snapshotOf(state) })),
      // Missing or unreadable changes cannot be served: stop, and start again (from the
      // latest snapshot) or with the version that wrote them.
      onBehind: (position, trimmedTo) =>
        this.#stop(`applied the log up to ${position}, but it was trimmed up to ${trimmedTo}`),
      onBadEntry: (id) => this.#stop(`cannot read the log's entry ${id}`),
    });
    this.#log = log;
    return log;
  }

  /**
   * What passes between the instances besides the log: the publisher for the domain (`local`
   * sockets, and typing to the others), the merged presence and the connection counts, over
   * instances found gone after `timeoutMs` without a heartbeat.
   */
  share(local: Publisher, clock: Clock, timeoutMs: number): Shared {
    const { url, logger } = this.#opts;
    const signals = new Signals(url, this.#writer, local, this.instance, logger);
    const instances = new Instances(signals, clock, timeoutMs);
    const shared: Shared = {
      signals,
      instances,
      clock,
      publisher: signals.publisher(),
      presence: new ClusterPresence(signals, instances, this.instance),
      typing: new ClusterTyping(signals, clock),
      counts: new SharedConnectionCounts(signals, instances, clock),
    };
    this.#shared = shared;
    return shared;
  }

  /** Count the use of `limits` across the instances (after `share`). */
  shareLimits(limits: RateLimits): void {
    const shared = this.#shared;
    if (!shared) throw new Error("the cluster shares nothing yet");
    this.#usage = new SharedUsage(limits, shared.signals, shared.clock);
  }

  /** Apply the log's tail up to now (before serving), then follow it as it grows. */
  async start(): Promise<void> {
    const log = this.#log;
    if (!log) throw new Error("the cluster's log was never made");
    await log.catchUp();
    log.start();
    await this.#shared?.signals.start();
    this.#shared?.instances.start();
  }

  #stop(why: string): never {
    this.#opts.logger.error("cluster_stop", { why });
    process.stderr.write(`error: this instance ${why}; restart it\n`);
    process.exit(1);
  }

  /** Stop reading and writing, and close the connections. */
  async close(): Promise<void> {
    for (const stop of this.#stops) stop();
    await this.#log?.close();
    await this.#snapshots.settle();
    this.#shared?.instances.stop();
    this.#shared?.counts.stop();
    this.#shared?.typing.stop();
    this.#usage?.stop();
    this.#shared?.signals.close();
    this.#writer.close();
    this.#reader.close();
  }
}
