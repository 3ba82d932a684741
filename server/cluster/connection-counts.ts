/**
 * The connection quotas across the instances of a cluster: each instance tells the others
 * how many logged-in connections it holds per user and per address (the latest count of
 * each key that changed, gathered for a short window), and adds what the others hold to its
 * own counts when it checks a quota. A new instance is told every count; a gone instance's
 * counts are dropped.
 */
import type { SharedCounts } from "../admission.ts";
import type { Clock, TimerHandle } from "../domain/types.ts";
import type { Instances } from "./instances.ts";
import { setParts } from "./signals.ts";
import { WholeSets } from "./whole-sets.ts";
import type { Signal, Signals } from "./signals.ts";
import { USAGE_WINDOW_MS } from "./usage.ts";

/** Counts per signal. */
const COUNTS_PER_SIGNAL = 500;

type Kind = "user" | "address";

/** The counts of every instance, as this one knows them. */
export class SharedConnectionCounts implements SharedCounts {
  #signals: Signals;
  #clock: Clock;
  /** `kind \0 key` -> instance -> its count (only counts above zero are kept). */
  #remote = new Map<string, Map<string, number>>();
  /** instance -> the keys it holds a count of. */
  #keysOf = new Map<string, Set<string>>();
  /** This instance's counts, to tell a new instance. */
  #own = new Map<string, number>();
  /** Keys whose own count changed since the last send. */
  #changed = new Set<string>();
  #timer: TimerHandle | null = null;
  /** instance -> the counts of the whole set it is telling, until its last part. */
  #incoming = new WholeSets<number>();

  /** Counts shared over `signals`, kept per instance of `instances`. */
  constructor(signals: Signals, instances: Instances, clock: Clock) {
    this.#signals = signals;
    this.#clock = clock;
    signals.on("conns", (s) => {
      if (s.kind !== "conns" || !Array.isArray(s.counts)) return;
      instances.heard(s.from);
      this.#heardCounts(s);
    });
    instances.onHello(() => {
      const counts = [...this.#own];
      for (const part of setParts(counts, COUNTS_PER_SIGNAL)) {
        this.#signals.send({ kind: "conns", counts: part.items, set: part.set });
      }
    });
    instances.onGone((gone) => {
      this.#incoming.drop(gone);
      for (const id of [...(this.#keysOf.get(gone) ?? [])]) this.#set(gone, id, 0);
      this.#keysOf.delete(gone);
    });
  }

  remote(kind: Kind, key: string): number {
    let sum = 0;
    for (const n of this.#remote.get(`${kind}\u0000${key}`)?.values() ?? []) sum += n;
    return sum;
  }

  changed(kind: Kind, key: string, count: number): void {
    const id = `${kind}\u0000${key}`;
    if (count > 0) this.#own.set(id, count);
    else this.#own.delete(id);
    this.#changed.add(id);
    this.#timer ??= this.#clock.setTimer(() => {
      this.#timer = null;
      const ids = [...this.#changed];
      this.#changed.clear();
      this.#send(ids);
    }, USAGE_WINDOW_MS);
  }

  /** Stop the pending send (server stop). */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  // Counts as they change, or a whole set that replaces what was held of the instance.
  #heardCounts(s: Extract<Signal, { kind: "conns" }>): void {
    const counts = s.counts.filter(([id, n]) => typeof id === "string" && Number.isSafeInteger(n));
    const whole = this.#incoming.take(s.from, s.set, counts, (id, n) => this.#set(s.from, id, n));
    if (!whole) return;
    for (const id of [...(this.#keysOf.get(s.from) ?? [])]) {
      if (!whole.has(id)) this.#set(s.from, id, 0);
    }
    for (const [id, count] of whole) this.#set(s.from, id, count);
  }

  #send(ids: string[]): void {
    for (let i = 0; i < ids.length; i += COUNTS_PER_SIGNAL) {
      const counts = ids
        .slice(i, i + COUNTS_PER_SIGNAL)
        .map((id): [string, number] => [id, this.#own.get(id) ?? 0]);
      this.#signals.send({ kind: "conns", counts });
    }
  }

  #set(instance: string, id: string, count: number): void {
    let byInstance = this.#remote.get(id);
    let keys = this.#keysOf.get(instance);
    if (count > 0) {
      if (!byInstance) this.#remote.set(id, (byInstance = new Map()));
      byInstance.set(instance, count);
      if (!keys) this.#keysOf.set(instance, (keys = new Set()));
      keys.add(id);
      return;
    }
    byInstance?.delete(instance);
    if (byInstance?.size === 0) this.#remote.delete(id);
    keys?.delete(id);
  }
}
