/**
 * The flags of accounts and sessions: password-work limits, the hash queue, session bounds.
 * Parsed here and spread into the server's Config by config.ts.
 */
import type { BucketSpec, RateLimitSpecs } from "./domain/rate-limit.ts";
import { DEFAULT_RATE_LIMITS } from "./domain/rate-limit.ts";
import { DEFAULT_SESSION_OPTIONS } from "./domain/sessions.ts";

/** The account settings of the server. */
export interface AccountConfig {
  /** Limits on password work and bad tokens (the message limit keeps its default). */
  accountLimits: Partial<RateLimitSpecs>;
  /** Password hashes at once; null: the number of cores. */
  hashConcurrency: number | null;
  /** Password hashes waiting for a slot before more are refused (0: no bound). */
  hashQueue: number;
  /** Sessions one user may hold. */
  maxSessions: number;
  /** Days a session may go unused before it expires. */
  sessionTtlDays: number;
}

/** parseArgs options of the account flags. */
export const ACCOUNT_OPTIONS = {
  "login-failure-limit": { type: "string" },
  "login-failure-limit-address": { type: "string" },
  "bad-token-limit": { type: "string" },
  "register-limit": { type: "string" },
  "account-limit-address": { type: "string" },
  "account-limit-user": { type: "string" },
  "hash-concurrency": { type: "string" },
  "hash-queue": { type: "string" },
  "max-sessions": { type: "string" },
  "session-ttl": { type: "string" },
} as const;

/** The usage lines of the account flags. */
export const ACCOUNT_USAGE =
  "                      [--login-failure-limit B/S] [--login-failure-limit-address B/S]\n" +
  "                      [--bad-token-limit B/S] [--register-limit B/S]\n" +
  "                      [--account-limit-address B/S] [--account-limit-user B/S]\n" +
  "                      [--hash-concurrency N] [--hash-queue N] [--max-sessions N] [--session-ttl DAYS]";

const DEFAULT_HASH_QUEUE = 256;

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * The account settings from parsed flags; `fail` makes the configuration error. Under
 * `--no-rate-limit` the hash queue has no bound unless one is given.
 */
export function parseAccountConfig(
  v: Values,
  isRateLimited: boolean,
  fail: (message: string) => Error,
): AccountConfig {
  const text = (flag: keyof typeof ACCOUNT_OPTIONS): string | undefined => {
    const value = v[flag];
    return typeof value === "string" ? value : undefined;
  };
  const whole = (flag: keyof typeof ACCOUNT_OPTIONS, fallback: number, min: number) => {
    const value = text(flag) ?? String(fallback);
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > 1e7) {
      throw fail(`--${flag} must be a whole number from ${min} to 10000000, not '${value}'`);
    }
    return n;
  };
  const bucket = (flag: keyof typeof ACCOUNT_OPTIONS, fallback: BucketSpec): BucketSpec => {
    const value = text(flag);
    return value === undefined ? fallback : parseBucket(value, `--${flag}`, fail);
  };
  const d = DEFAULT_RATE_LIMITS;
  return {
    accountLimits: {
      passwordFailures: bucket("login-failure-limit", d.passwordFailures),
      passwordFailuresByAddress: bucket("login-failure-limit-address", d.passwordFailuresByAddress),
      badTokens: bucket("bad-token-limit", d.badTokens),
      registrations: bucket("register-limit", d.registrations),
      accountByAddress: bucket("account-limit-address", d.accountByAddress),
      accountByUser: bucket("account-limit-user", d.accountByUser),
    },
    hashConcurrency:
      text("hash-concurrency") === undefined ? null : whole("hash-concurrency", 1, 1),
    hashQueue: whole("hash-queue", isRateLimited ? DEFAULT_HASH_QUEUE : 0, 0),
    maxSessions: whole("max-sessions", DEFAULT_SESSION_OPTIONS.maxPerUser, 1),
    sessionTtlDays: whole("session-ttl", DEFAULT_SESSION_OPTIONS.ttlMs / 86_400_000, 1),
  };
}

/** `BURST/SECONDS`: a burst of BURST, then one more every SECONDS (a decimal, above 0). */
export function parseBucket(
  value: string,
  flag: string,
  fail: (message: string) => Error,
): BucketSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const burst = Number(m?.[1]);
  const seconds = Number(m?.[2]);
  if (!m || burst < 1 || burst > 1e6 || !(seconds > 0) || seconds > 1e6) {
    throw fail(
      `${flag} must be BURST/SECONDS (for example 5/10: 5 at once, then one per 10 s), not '${value}'`,
    );
  }
  return { burst, perSecond: 1 / seconds };
}
