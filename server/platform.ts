/** The real clock, crypto and password hashing the domain is given in production. */
import { availableParallelism } from "node:os";
import type { Clock, Crypto, PasswordHasher } from "./domain/types.ts";
import { PasswordThreads } from "./password-threads.ts";
import type { HashOptions } from "./password-threads.ts";

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
 * argon2id through Bun.password on `threads` hashing threads of their own at the lowest
 * priority (see password-threads.ts). `isCheap` picks tiny parameters for tests
 * (CHAT_PASSWORD_COST=low); never for real accounts.
 */
export function bunPasswords(isCheap: boolean, threads: number): PasswordHasher {
  const options: HashOptions = isCheap
    ? { algorithm: "argon2id", memoryCost: 8, timeCost: 1 }
    : { algorithm: "argon2id" };
  return new PasswordThreads(options, threads);
}

/** The cores this process may use (password hashing leaves one of them to the event loop). */
export function cpuCount(): number {
  return navigator.hardwareConcurrency || availableParallelism() || 1;
}
