/**
 * Away messages (SPEC 5.3): one short line per user, set until cleared. Kept in memory only,
 * like presence: a restart clears them. At most one per account, so bounded by the accounts.
 */
import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";

/** The away message as stored: control characters gone, on one line; "" clears it. */
export function cleanAway(raw: string): string {
  const clean = sanitizeText(raw).replace(/\s+/g, " ").trim();
  if (clean.length > LIMITS.awayMax) {
    throw new ChatError("bad_request", `away message is longer than ${LIMITS.awayMax} characters`);
  }
  return clean;
}

/** The away message of each user who set one. */
export class AwayMessages {
  #messages = new Map<string, string>();

  /** The user's away message, or undefined. */
  get(user: string): string | undefined {
    return this.#messages.get(user);
  }

  /** Set (non-empty) or clear ("") the user's away message; true when it changed. */
  set(user: string, message: string): boolean {
    if ((this.#messages.get(user) ?? "") === message) return false;
    if (message === "") this.#messages.delete(user);
    else this.#messages.set(user, message);
    return true;
  }
}
