import type { Status } from "../../shared/protocol.ts";
import type { Clock, TimerHandle } from "./types.ts";

interface Entry {
  live: number;
  lastActive: number;
  status: Status;
  timer: TimerHandle | null;
}

/**
 * Presence per user (SPEC 2.4): online while a live (interactive or listen) connection
 * exists and the user acted within `idleAfterMs`; idle after that; offline with no live
 * connection. `onChange` is called once per change. `idleAfterMs` 0 never goes idle.
 */
export class Presence {
  #clock: Clock;
  #idleAfterMs: number;
  #onChange: (user: string, status: Status) => void;
  #users = new Map<string, Entry>();

  /** Presence on `clock`, reporting changes to `onChange`. */
  constructor(clock: Clock, idleAfterMs: number, onChange: (user: string, status: Status) => void) {
    this.#clock = clock;
    this.#idleAfterMs = idleAfterMs;
    this.#onChange = onChange;
  }

  /** The user's status. */
  status(user: string): Status {
    return this.#users.get(user)?.status ?? "offline";
  }

  /** A live connection of `user` opened. */
  connect(user: string): void {
    const e = this.#users.get(user);
    if (e) {
      e.live++;
      this.activity(user);
      return;
    }
    this.#users.set(user, {
      live: 1,
      lastActive: this.#clock.now(),
      status: "online",
      timer: null,
    });
    this.#schedule(user);
    this.#onChange(user, "online");
  }

  /** A live connection of `user` closed. */
  disconnect(user: string): void {
    const e = this.#users.get(user);
    if (!e) return;
    if (--e.live > 0) return;
    if (e.timer !== null) this.#clock.clearTimer(e.timer);
    this.#users.delete(user);
    this.#onChange(user, "offline");
  }

  /**
   * The user acted; counts only while the user has a live connection. An action from a
   * one-shot connection (`isLive` false) keeps an online user online but does not wake an
   * idle one, so a script posting every minute never makes its owner flap.
   */
  activity(user: string, isLive = true): void {
    const e = this.#users.get(user);
    if (!e || (!isLive && e.status === "idle")) return;
    e.lastActive = this.#clock.now();
    if (e.status === "idle") {
      e.status = "online";
      this.#schedule(user);
      this.#onChange(user, "online");
    }
  }

  /** Cancel every timer (server stop). */
  stop(): void {
    for (const e of this.#users.values()) if (e.timer !== null) this.#clock.clearTimer(e.timer);
    this.#users.clear();
  }

  // One timer per online user, due when the user would go idle. Activity only moves
  // lastActive; the timer re-arms itself for the rest of the time when it fires early.
  #schedule(user: string): void {
    const e = this.#users.get(user);
    if (!e || this.#idleAfterMs <= 0) return;
    const due = e.lastActive + this.#idleAfterMs - this.#clock.now();
    e.timer = this.#clock.setTimer(() => this.#check(user), Math.max(0, due));
  }

  #check(user: string): void {
    const e = this.#users.get(user);
    if (!e) return;
    e.timer = null;
    if (this.#clock.now() - e.lastActive >= this.#idleAfterMs) {
      e.status = "idle";
      this.#onChange(user, "idle");
    } else {
      this.#schedule(user);
    }
  }
}
