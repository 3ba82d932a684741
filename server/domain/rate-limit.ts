import { ChatError } from "../../shared/errors.ts";
import type { Clock } from "./types.ts";

/** A token bucket's shape: `burst` tokens, refilled at `perSecond`. */
export interface BucketSpec {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

// Beyond this many keys, full buckets (which carry no information) are dropped.
const PRUNE_AT = 10_000;

/** Token buckets by key (a user name, an address), on an injected clock. */
export class RateLimiter {
  #spec: BucketSpec;
  #clock: Clock;
  #buckets = new Map<string, Bucket>();

  /** Buckets of one shape. */
  constructor(spec: BucketSpec, clock: Clock) {
    this.#spec = spec;
    this.#clock = clock;
  }

  /** Milliseconds until `cost` tokens are available for `key`; 0 when they are now. */
  wait(key: string, cost = 1): number {
    const b = this.#refill(key);
    if (b.tokens >= cost) return 0;
    return Math.ceil(((cost - b.tokens) / this.#spec.perSecond) * 1000);
  }

  /** Take `cost` tokens; returns 0 when taken, else the wait in ms (nothing is taken). */
  take(key: string, cost = 1): number {
    const wait = this.wait(key, cost);
    if (wait === 0) this.#buckets.get(key)!.tokens -= cost;
    return wait;
  }

  /** Take `cost` tokens even when it leaves the bucket below zero (a failure already happened). */
  charge(key: string, cost = 1): void {
    this.#refill(key).tokens -= cost;
  }

  #refill(key: string): Bucket {
    const now = this.#clock.now();
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= PRUNE_AT) this.#prune(now);
      b = { tokens: this.#spec.burst, at: now };
      this.#buckets.set(key, b);
      return b;
    }
    const gained = ((now - b.at) / 1000) * this.#spec.perSecond;
    b.tokens = Math.min(this.#spec.burst, b.tokens + gained);
    b.at = now;
    return b;
  }

  #prune(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.#spec.perSecond >= this.#spec.burst) {
        this.#buckets.delete(key);
      }
    }
  }
}

/** The server's limits (SPEC 2.5). */
const RATE_LIMITS = {
  messages: { burst: 20, perSecond: 10 },
  failedLogins: { burst: 5, perSecond: 0.1 },
  registrations: { burst: 10, perSecond: 0.1 },
} as const satisfies Record<string, BucketSpec>;

/** Every limit the domain applies; all of them pass when disabled (`--no-rate-limit`). */
export class RateLimits {
  readonly isEnabled: boolean;
  #messages: RateLimiter;
  #failedByAddress: RateLimiter;
  #failedByUser: RateLimiter;
  #registrations: RateLimiter;

  /** Limits on `clock`; `isEnabled` false turns them all off. */
  constructor(clock: Clock, isEnabled: boolean) {
    this.isEnabled = isEnabled;
    this.#messages = new RateLimiter(RATE_LIMITS.messages, clock);
    this.#failedByAddress = new RateLimiter(RATE_LIMITS.failedLogins, clock);
    this.#failedByUser = new RateLimiter(RATE_LIMITS.failedLogins, clock);
    this.#registrations = new RateLimiter(RATE_LIMITS.registrations, clock);
  }

  /** Count one message (room or DM) of `user`; throws rate_limited when over. */
  message(user: string): void {
    if (this.isEnabled) refuse(this.#messages.take(user), "too many messages");
  }

  /** Throw rate_limited when `address` or `user` has failed to log in too often. */
  checkLogin(address: string, user: string | null): void {
    if (!this.isEnabled) return;
    refuse(this.#failedByAddress.wait(address), "too many failed logins from this address");
    if (user !== null)
      refuse(this.#failedByUser.wait(user), `too many failed logins for '${user}'`);
  }

  /** Record one failed login (or token) attempt. */
  failedLogin(address: string, user: string | null): void {
    if (!this.isEnabled) return;
    this.#failedByAddress.charge(address);
    if (user !== null) this.#failedByUser.charge(user);
  }

  /** Count one registration from `address`; throws rate_limited when over. */
  registration(address: string): void {
    if (this.isEnabled) refuse(this.#registrations.take(address), "too many registrations");
  }
}

function refuse(waitMs: number, what: string): void {
  if (waitMs > 0) {
    throw new ChatError("rate_limited", `${what}; retry in ${Math.ceil(waitMs / 1000)} s`, waitMs);
  }
}
