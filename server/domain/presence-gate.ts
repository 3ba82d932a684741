/**
 * The gate between a user's presence (status and away message) and what rooms hear of it: at
 * most one presence event per user per interval, the latest state winning, and none when the
 * state is back to what was last sent. A presence event goes to every room of the user (up to
 * --max-rooms-joined), so a user changing state many times a second would otherwise make the
 * server publish to every member of every room that often.
 */
import type { Clock, TimerHandle } from "./types.ts";

interface Sent {
  /** The state last published (see `#key`). */
  key: string;
  /** Due at the end of the interval that began with the last publish; null once it ended. */
  timer: TimerHandle | null;
}

// The state of a user nobody has heard of: offline, without an away message.
const OFFLINE = "offline";

/** Publishes a user's current state at most once per `intervalMs` (0: at every change). */
export class PresenceGate {
  #clock: Clock;
  #intervalMs: number;
  #state: (user: string) => string;
  #publish: (user: string) => void;
  // Users whose last published state is not plain offline, or whose interval is running.
  #sent = new Map<string, Sent>();

  /**
   * `state` names a user's current state (equal names: nothing to tell); `publish` tells the
   * user's rooms of the current state.
   */
  constructor(
    clock: Clock,
    intervalMs: number,
    state: (user: string) => string,
    publish: (user: string) => void,
  ) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#state = state;
    this.#publish = publish;
  }

  /** The user's state may have changed: published now, or at the end of the running interval. */
  changed(user: string): void {
    if (this.#sent.get(user)?.timer != null) return;
    this.#flush(user);
  }

  /** Cancel every timer (server stop). */
  stop(): void {
    for (const s of this.#sent.values()) if (s.timer !== null) this.#clock.clearTimer(s.timer);
    this.#sent.clear();
  }

  #flush(user: string): void {
    const key = this.#state(user);
    const sent = this.#sent.get(user) ?? { key: OFFLINE, timer: null };
    if (key !== sent.key) {
      sent.key = key;
      this.#publish(user);
      if (this.#intervalMs > 0) {
        sent.timer = this.#clock.setTimer(() => this.#intervalEnded(user), this.#intervalMs);
      }
    }
    if (sent.timer === null && sent.key === OFFLINE) this.#sent.delete(user);
    else this.#sent.set(user, sent);
  }

  #intervalEnded(user: string): void {
    const sent = this.#sent.get(user);
    if (!sent) return;
    sent.timer = null;
    this.#flush(user);
  }
}

/** The name of a state for the gate: equal when nothing a room sees differs. */
export function presenceKey(status: string, away: string | undefined): string {
  return away === undefined ? status : `${status}\n${away}`;
}
