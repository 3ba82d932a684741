/** When a connection tries again: backoff after a drop, a rate limit's wait, final refusals. */

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;

// A server asking for a longer wait than this is asked again after this long.
const RATE_LIMIT_WAIT_MAX_MS = 5 * 60_000;

/**
 * Delay before re-authenticating after a `rate_limited` refusal: what the server asked
 * for (bounded), plus up to 25% jitter so that clients refused together do not return
 * together; never sooner than the first backoff step.
 */
export function rateLimitDelay(retryAfterMs: number | undefined, random = Math.random): number {
  const asked = Number.isFinite(retryAfterMs) ? (retryAfterMs as number) : BACKOFF_FIRST_MS;
  const base = Math.min(RATE_LIMIT_WAIT_MAX_MS, Math.max(BACKOFF_FIRST_MS, asked));
  return Math.round(base * (1 + random() * 0.25));
}

/** Codes that refuse the session itself: trying again with the same token cannot help. */
export const FINAL_AUTH_CODES: ReadonlySet<string> = new Set(["auth_failed", "auth_required"]);

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, +-25% jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** The timer of the next reconnect attempt, counting attempts for the backoff. */
export class RetryTimer {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #nextAt: number | null = null;
  #attempt = 0;

  /** When the next attempt starts (Date.now() milliseconds); null when none is waiting. */
  get nextAt(): number | null {
    return this.#nextAt;
  }

  /** Run `attempt` after `delay` (by default the backoff of the next attempt). */
  schedule(attempt: () => void, delay = backoffDelay(this.#attempt++)): void {
    this.#nextAt = Date.now() + delay;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#nextAt = null;
      attempt();
    }, delay);
  }

  /** An attempt succeeded: the next drop starts the backoff over. */
  succeeded(): void {
    this.#attempt = 0;
  }

  /** No attempt waits any more. */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#nextAt = null;
  }
}
