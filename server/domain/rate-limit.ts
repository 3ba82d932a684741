/** Token buckets on an injected clock: the message and account-work limits (SPEC 2.5, 6). */
import { ChatError } from "../../shared/errors.ts";
import type { Clock } from "./types.ts";
import { WindowQuota } from "./window-quota.ts";

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

/** Hears of every use of a limit (tokens taken; negative: given back), to share it. */
export type UsageSink = (key: string, amount: number) => void;

/** Token buckets by key (a user name, an address), on an injected clock. */
export class RateLimiter {
  #spec: BucketSpec;
  #clock: Clock;
  #buckets = new Map<string, Bucket>();
  /** Told of each use here, so that the other instances of a cluster count it too. */
  onUse: UsageSink | null = null;

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
    if (wait === 0) {
      this.#buckets.get(key)!.tokens -= cost;
      this.onUse?.(key, cost);
    }
    return wait;
  }

  /**
   * Take `cost` tokens for work already done, into debt if need be (never below minus the
   * burst); returns the ms until a token is available again (0 when one is now).
   */
  charge(key: string, cost: number): number {
    this.absorb(key, cost);
    this.onUse?.(key, cost);
    return this.wait(key);
  }

  /** Give back `cost` tokens taken earlier (never above the burst). */
  give(key: string, cost = 1): void {
    this.absorb(key, -cost);
    this.onUse?.(key, -cost);
  }

  /** Count a use made elsewhere (another instance): `amount` tokens, negative given back. */
  absorb(key: string, amount: number): void {
    const b = this.#refill(key);
    b.tokens = Math.min(this.#spec.burst, Math.max(-this.#spec.burst, b.tokens - amount));
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

/** The shapes of the limits on messages and on account work, each a flag of the server. */
export interface RateLimitSpecs {
  /** Messages (room or DM) per user across all their connections. */
  messages: BucketSpec;
  /** Wrong passwords (login, passwd), per user name and per (address, user name) pair. */
  passwordFailures: BucketSpec;
  /** Wrong passwords per address, whatever the names: the bound on guessing many names. */
  passwordFailuresByAddress: BucketSpec;
  /** Session tokens that are not valid, per address. */
  badTokens: BucketSpec;
  /** Registrations per address. */
  registrations: BucketSpec;
  /** Password work (register, login, passwd), successful included, per address. */
  accountByAddress: BucketSpec;
  /** Password work (register, login, passwd), successful included, per user name. */
  accountByUser: BucketSpec;
}

/** The default limits (SPEC 2.5 and 6). */
export const DEFAULT_RATE_LIMITS: RateLimitSpecs = {
  messages: { burst: 20, perSecond: 10 },
  passwordFailures: { burst: 5, perSecond: 0.1 },
  passwordFailuresByAddress: { burst: 20, perSecond: 1 / 3 },
  badTokens: { burst: 5, perSecond: 0.1 },
  registrations: { burst: 10, perSecond: 0.1 },
  accountByAddress: { burst: 30, perSecond: 0.5 },
  accountByUser: { burst: 10, perSecond: 0.1 },
};

/** What an account request does with its password, which decides the buckets it draws on. */
export type AccountWork = "register" | "login" | "passwd";

/**
 * The failure tokens an account request took before its password was checked: `succeeded`
 * gives them back (the password was right), `cancel` too (it was never checked).
 */
export interface AttemptCharge {
  /** The password was right: the failure tokens are returned. */
  succeeded(): void;
  /** The password was never checked (the hash queue was full): the failure tokens are returned. */
  cancel(): void;
}

const NO_CHARGE: AttemptCharge = { succeeded: () => {}, cancel: () => {} };

/** Every limit the domain applies; all of them pass when disabled (`--no-rate-limit`). */
export class RateLimits {
  readonly isEnabled: boolean;
  #messages: RateLimiter;
  #failedByAddress: RateLimiter;
  #failedByUser: RateLimiter;
  #failedByPair: RateLimiter;
  #badTokens: RateLimiter;
  #registrations: RateLimiter;
  #accountByAddress: RateLimiter;
  #accountByUser: RateLimiter;
  #clock: Clock;
  /** Every limit by name, for sharing their use between the instances of a cluster. */
  #named = new Map<string, RateLimiter | WindowQuota>();
  #share: ((limit: string, key: string, amount: number) => void) | null = null;

  /** Limits on `clock`; `isEnabled` false turns them all off; `specs` overrides defaults. */
  constructor(clock: Clock, isEnabled: boolean, specs: Partial<RateLimitSpecs> = {}) {
    this.isEnabled = isEnabled;
    this.#clock = clock;
    const s = { ...DEFAULT_RATE_LIMITS, ...specs };
    this.#messages = this.bucket("messages", s.messages);
    this.#failedByAddress = this.bucket("failures-address", s.passwordFailuresByAddress);
    this.#failedByUser = this.bucket("failures-user", s.passwordFailures);
    this.#failedByPair = this.bucket("failures-pair", s.passwordFailures);
    this.#badTokens = this.bucket("bad-tokens", s.badTokens);
    this.#registrations = this.bucket("registrations", s.registrations);
    this.#accountByAddress = this.bucket("account-address", s.accountByAddress);
    this.#accountByUser = this.bucket("account-user", s.accountByUser);
  }

  /** A bucket of limit `name` (one per name), shared like the others in a cluster. */
  bucket(name: string, spec: BucketSpec): RateLimiter {
    return this.#register(name, new RateLimiter(spec, this.#clock));
  }

  /** A quota of `max` events a day per user named `name` (0: none), shared like the others. */
  daily(name: string, max: number): WindowQuota {
    return this.#register(name, new WindowQuota(max, this.#clock));
  }

  /**
   * Tell `sink` of every use of every limit from now on (a cluster sends them to the other
   * instances, which `absorb` them): limits then count across instances.
   */
  share(sink: (limit: string, key: string, amount: number) => void): void {
    this.#share = sink;
    for (const [name, limit] of this.#named) limit.onUse = (key, amount) => sink(name, key, amount);
  }

  /** Count a use of limit `name` made on another instance; an unknown name is ignored. */
  absorb(name: string, key: string, amount: number): void {
    this.#named.get(name)?.absorb(key, amount);
  }

  #register<T extends RateLimiter | WindowQuota>(name: string, limit: T): T {
    if (this.#named.has(name)) throw new Error(`two limits named '${name}'`);
    this.#named.set(name, limit);
    const sink = this.#share;
    if (sink) limit.onUse = (key, amount) => sink(name, key, amount);
    return limit;
  }

  /** Count one message (room or DM) of `user`; throws rate_limited when over. */
  message(user: string): void {
    if (this.isEnabled) refuse(this.#messages.take(user), "too many messages");
  }

  /**
   * Take, before any password is hashed or checked, one token from every bucket `work` draws
   * on: the account buckets of the address and the user name (successes count too), the
   * registration bucket (register), the failure buckets (login, passwd: of the address, the
   * user name and the pair, so that one address guessing one name keeps the address's other
   * names usable, while many names from one address still meet its own bucket). All or nothing:
   * throws rate_limited, taking none, when one is empty. The failure tokens come back through
   * the returned charge when the password turns out right, so concurrent guesses can never
   * get past the failure burst, and a right password never pays for a wrong one.
   */
  accountWork(work: AccountWork, address: string, user: string | null): AttemptCharge {
    if (!this.isEnabled) return NO_CHARGE;
    const takes: [RateLimiter, string, string][] = [
      [this.#accountByAddress, address, "too many account requests from this address"],
    ];
    if (user !== null)
      takes.push([this.#accountByUser, user, `too many account requests for '${user}'`]);
    if (work === "register") {
      takes.push([this.#registrations, address, "too many registrations"]);
    } else {
      takes.push([this.#failedByAddress, address, "too many failed logins from this address"]);
      if (user !== null) {
        takes.push([this.#failedByUser, user, `too many failed logins for '${user}'`]);
        const what = `too many failed logins for '${user}' from this address`;
        takes.push([this.#failedByPair, pairKey(address, user), what]);
      }
    }
    let worst: [number, string] = [0, ""];
    for (const [limiter, key, what] of takes) {
      const wait = limiter.wait(key);
      if (wait > worst[0]) worst = [wait, what];
    }
    refuse(worst[0], worst[1]);
    for (const [limiter, key] of takes) limiter.take(key);
    if (work === "register") return NO_CHARGE;
    const giveBack = (): void => {
      this.#failedByAddress.give(address);
      if (user !== null) {
        this.#failedByUser.give(user);
        this.#failedByPair.give(pairKey(address, user));
      }
    };
    return { succeeded: giveBack, cancel: giveBack };
  }

  /**
   * Count one session token that is not valid from `address`; throws rate_limited when the
   * address has sent too many. Only bad tokens draw on this bucket, and a valid token never
   * looks at it.
   */
  badToken(address: string): void {
    if (this.isEnabled)
      refuse(this.#badTokens.take(address), "too many bad session tokens from this address");
  }
}

// A user name has no space, so an address and a name never make another pair's key.
function pairKey(address: string, user: string): string {
  return `${address} ${user}`;
}

function refuse(waitMs: number, what: string): void {
  if (waitMs > 0) {
    throw new ChatError("rate_limited", `${what}; retry in ${Math.ceil(waitMs / 1000)} s`, waitMs);
  }
}
