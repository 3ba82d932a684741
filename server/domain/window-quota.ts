/**
 * Per-user quotas over a sliding day (SPEC 6, disk per user): rooms created, shut-down ones
 * included, and DM conversations started. A quota that only counted what is live would let a
 * create-and-shutdown loop keep every shut-down room's history; one per day bounds what a user
 * adds to the disk, whatever they do with it afterwards.
 */
import { ChatError } from "../../shared/errors.ts";
import type { Clock } from "./types.ts";

/** A day in milliseconds: the window of the quotas below. */
export const DAY_MS = 86_400_000;

/** The daily quotas when no flag sets them (the server's; the domain has none unless given). */
export const DEFAULT_DAILY_QUOTAS = {
  /** Rooms one user may create in 24 hours, shut-down ones included. */
  maxRoomsCreated: 100,
  /** DM conversations one user may start in 24 hours (a reply is never limited). */
  maxNewConversations: 100,
} as const;

/** At most `max` events per user within a sliding window, on an injected clock; 0 is no quota. */
export class WindowQuota {
  #max: number;
  #clock: Clock;
  #windowMs: number;
  // Ascending times of each user's events still in the window (at most `max` of them).
  #times = new Map<string, number[]>();
  /** Told of each event counted (1) or given back (-1), to share it with other instances. */
  onUse: ((user: string, amount: number) => void) | null = null;

  /** `max` events per `windowMs` (a day unless given). */
  constructor(max: number, clock: Clock, windowMs = DAY_MS) {
    this.#max = max;
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  /** Count an event that happened at `at` (a room's stored creation time, on loading). */
  note(user: string, at: number): void {
    // Written so that a time that does not parse (NaN) is skipped too.
    if (this.#max === 0 || !(at > this.#clock.now() - this.#windowMs)) return;
    const times = this.#recent(user) ?? [];
    times.push(at);
    times.sort((a, b) => a - b);
    if (times.length > this.#max) times.shift();
    this.#times.set(user, times);
  }

  /**
   * Throw rate_limited, with the wait until the oldest event leaves the window, when `user` has
   * no place left; `what` says what the quota counts ("too many rooms created").
   */
  check(user: string, what: string): void {
    const times = this.#recent(user);
    if (this.#max === 0 || times === undefined || times.length < this.#max) return;
    const waitMs = Math.max(1, times[0]! + this.#windowMs - this.#clock.now());
    const retry =
      waitMs >= 3_600_000
        ? `${Math.ceil(waitMs / 3_600_000)} h`
        : `${Math.ceil(waitMs / 60_000)} min`;
    throw new ChatError(
      "rate_limited",
      `${what}: ${this.#max} in 24 hours is the most one user may; retry in ${retry}`,
      waitMs,
    );
  }

  /** Count one event of `user` now (after `check` passed and the event is sure to happen). */
  add(user: string): void {
    if (this.#max === 0) return;
    this.absorb(user, 1);
    this.onUse?.(user, 1);
  }

  /** Give back the place `add` took last (the event did not happen after all). */
  release(user: string): void {
    this.absorb(user, -1);
    this.onUse?.(user, -1);
  }

  /** Count events of `user` made elsewhere (another instance) now; -1 gives one back. */
  absorb(user: string, amount: number): void {
    if (this.#max === 0) return;
    const times = this.#recent(user) ?? [];
    if (amount < 0) times.pop();
    else for (let i = 0; i < amount && times.length < this.#max; i++) times.push(this.#clock.now());
    if (times.length > 0) this.#times.set(user, times);
    else this.#times.delete(user);
  }

  // The user's times with those out of the window dropped; a user with none left is forgotten.
  #recent(user: string): number[] | undefined {
    const times = this.#times.get(user);
    if (!times) return undefined;
    const since = this.#clock.now() - this.#windowMs;
    let old = 0;
    while (old < times.length && times[old]! <= since) old++;
    if (old > 0) times.splice(0, old);
    if (times.length > 0) return times;
    this.#times.delete(user);
    return undefined;
  }
}
