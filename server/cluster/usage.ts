/**
 * Rate limits and quotas across the instances of a cluster: every use of a limit on one
 * instance (tokens taken from a user's or an address's bucket, a room created today) is
 * gathered for a short window and sent to the others, which count it in their own buckets.
 * A limit then holds for the cluster as a whole, give or take what one window lets through
 * on each instance before the others hear of it.
 */
import type { RateLimits } from "../domain/rate-limit.ts";
import type { Clock, TimerHandle } from "../domain/types.ts";
import type { Signals } from "./signals.ts";

/** How long uses are gathered before they are sent (ms). */
export const USAGE_WINDOW_MS = 100;
/** Uses per signal. */
const USES_PER_SIGNAL = 500;

/** The sharing of one instance's limits with the others. */
export class SharedUsage {
  #signals: Signals;
  #clock: Clock;
  /** `limit \0 key` -> the amount used since the last send. */
  #pending = new Map<string, number>();
  #timer: TimerHandle | null = null;

  /** Share `limits` over `signals`: what is used here is sent, what is heard is counted. */
  constructor(limits: RateLimits, signals: Signals, clock: Clock) {
    this.#signals = signals;
    this.#clock = clock;
    limits.share((limit, key, amount) => this.#used(limit, key, amount));
    signals.on("usage", (s) => {
      if (s.kind !== "usage" || !Array.isArray(s.uses)) return;
      for (const [limit, key, amount] of s.uses) {
        const isUse = typeof limit === "string" && typeof key === "string";
        if (isUse && Number.isFinite(amount)) limits.absorb(limit, key, amount);
      }
    });
  }

  /** Send what is still gathered (server stop). */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#flush();
  }

  #used(limit: string, key: string, amount: number): void {
    const id = `${limit}\u0000${key}`;
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + amount);
    this.#timer ??= this.#clock.setTimer(() => this.#flush(), USAGE_WINDOW_MS);
  }

  #flush(): void {
    this.#timer = null;
    const uses: [string, string, number][] = [];
    for (const [id, amount] of this.#pending) {
      if (amount === 0) continue;
      const at = id.indexOf("\u0000");
      uses.push([id.slice(0, at), id.slice(at + 1), amount]);
    }
    this.#pending.clear();
    for (let i = 0; i < uses.length; i += USES_PER_SIGNAL) {
      this.#signals.send({ kind: "usage", uses: uses.slice(i, i + USES_PER_SIGNAL) });
    }
  }
}
