/** The real clock, crypto and password hashing the domain is given in production. */
import { availableParallelism } from "node:os";
import type { Clock, Crypto, PasswordHasher } from "./domain/types.ts";
import { lowerPoolThreads } from "./thread-priority.ts";

/** The real clock: Date.now and timers. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Tokens from 32 random bytes, stored as SHA-256 hex; ids from Bun.randomUUIDv7. */
export const BUN_CRYPTO: Crypto = {
  newToken: () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url"),
  hashToken: (token) => new Bun.CryptoHasher("sha256").update(token).digest("hex"),
  newId: () => Bun.randomUUIDv7(),
};

/**
 * argon2id through Bun.password, whose async forms run off the event loop, on pool threads
 * at the lowest priority (see thread-priority.ts). `isCheap` picks tiny parameters for tests
 * (CHAT_PASSWORD_COST=low); never for real accounts.
 */
export function bunPasswords(isCheap: boolean): PasswordHasher {
  const options = isCheap
    ? ({ algorithm: "argon2id", memoryCost: 8, timeCost: 1 } as const)
    : ({ algorithm: "argon2id" } as const);
  return {
    hash: async (password) => {
      lowerPoolThreads();
      try {
        return await Bun.password.hash(password, options);
      } finally {
        // The pool thread that ran the first hash exists now.
        lowerPoolThreads();
      }
    },
    verify: async (password, hash) => {
      lowerPoolThreads();
      try {
        return await Bun.password.verify(password, hash);
      } catch {
        // A malformed stored hash means no password matches it.
        return false;
      } finally {
        lowerPoolThreads();
      }
    },
  };
}

/** The cores this process may use (password hashing leaves one of them to the event loop). */
export function cpuCount(): number {
  return navigator.hardwareConcurrency || availableParallelism() || 1;
}
