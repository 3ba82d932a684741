/** Who is online, idle, away or offline, and how each room hears of the changes. */
import type { Status } from "../../shared/protocol.ts";
import { PresenceGate, presenceKey } from "./presence-gate.ts";
import type { Clock, TimerHandle } from "./types.ts";

interface Entry {
  live: number;
  lastActive: number;
  status: Status;
  timer: TimerHandle | null;
  /** Running while the user has no live connection: offline when it ends. */
  grace: TimerHandle | null;
}

/** How presence changes reach the rooms (SPEC 6: no user can flood others with them). */
export interface PresenceOptions {
  /** Milliseconds without a live connection before a user is offline; 0: at once. */
  offlineGraceMs: number;
  /** Least milliseconds between two presence events of one user (the latest wins); 0: none. */
  intervalMs: number;
  /** Milliseconds over which a room's changes are gathered into one event; 0 (absent): none. */
  windowMs?: number;
  /** The most users one presence event lists (more: several events); PRESENCE_USERS if absent. */
  usersPerEvent?: number;
}

/** The most users one presence event lists, unless the server says otherwise. */
export const PRESENCE_USERS = 200;

/** Every change told at once: the domain's default (the server's flags set their own). */
export const IMMEDIATE_PRESENCE: PresenceOptions = { offlineGraceMs: 0, intervalMs: 0 };

/**
 * Presence per user (SPEC 2.4): online while a live (interactive or listen) connection
 * exists and the user acted within `idleAfterMs`; idle after that; offline once no live
 * connection has remained for `offlineGraceMs` (a reconnect within it changes nothing).
 * `onChange` hears the current status at most once per `intervalMs` per user, and only when
 * the status or the away message (`awayOf`) differ from what it heard last. `idleAfterMs` 0
 * never goes idle.
 */
export class Presence {
  #clock: Clock;
  #idleAfterMs: number;
  #graceMs: number;
  #users = new Map<string, Entry>();
  #gate: PresenceGate;

  /** Presence on `clock`, reporting changes to `onChange`. */
  constructor(
    clock: Clock,
    idleAfterMs: number,
    onChange: (user: string, status: Status) => void,
    opts: PresenceOptions = IMMEDIATE_PRESENCE,
    awayOf: (user: string) => string | undefined = () => undefined,
  ) {
    this.#clock = clock;
    this.#idleAfterMs = idleAfterMs;
    this.#graceMs = opts.offlineGraceMs;
    this.#gate = new PresenceGate(
      clock,
      opts.intervalMs,
      (user) => presenceKey(this.status(user), awayOf(user)),
      (user) => onChange(user, this.status(user)),
    );
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
      if (e.grace !== null) this.#clock.clearTimer(e.grace);
      e.grace = null;
      this.activity(user);
      return;
    }
    this.#users.set(user, {
      live: 1,
      lastActive: this.#clock.now(),
      status: "online",
      timer: null,
      grace: null,
    });
    this.#schedule(user);
    this.#gate.changed(user);
  }

  /** A live connection of `user` closed: offline once the grace ends without another. */
  disconnect(user: string): void {
    const e = this.#users.get(user);
    if (!e || e.live === 0) return;
    if (--e.live > 0) return;
    if (this.#graceMs > 0) {
      e.grace = this.#clock.setTimer(() => this.#gone(user), this.#graceMs);
      return;
    }
    this.#gone(user);
  }

  /** The user's away message changed: the rooms hear it like a change of status. */
  awayChanged(user: string): void {
    this.#gate.changed(user);
  }

  /**
   * The user acted; counts only while the user has a live connection. An action from a
   * one-shot connection (`isLive` false) keeps an online user online but does not wake an
   * idle one, so a script posting every minute never makes its owner flap.
   */
  activity(user: string, isLive = true): void {
    const e = this.#users.get(user);
    // In the grace after the last live connection, only a new connection counts.
    if (!e || e.live === 0 || (!isLive && e.status === "idle")) return;
    e.lastActive = this.#clock.now();
    if (e.status === "idle") {
      e.status = "online";
      this.#schedule(user);
      this.#gate.changed(user);
    }
  }

  /** Cancel every timer (server stop). */
  stop(): void {
    for (const e of this.#users.values()) {
      if (e.timer !== null) this.#clock.clearTimer(e.timer);
      if (e.grace !== null) this.#clock.clearTimer(e.grace);
    }
    this.#users.clear();
    this.#gate.stop();
  }

  #gone(user: string): void {
    const e = this.#users.get(user);
    if (!e) return;
    if (e.timer !== null) this.#clock.clearTimer(e.timer);
    if (e.grace !== null) this.#clock.clearTimer(e.grace);
    this.#users.delete(user);
    this.#gate.changed(user);
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
      this.#gate.changed(user);
    } else {
      this.#schedule(user);
    }
  }
}
