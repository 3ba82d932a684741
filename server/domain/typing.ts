/** Typing notices: who is typing where, each expiring unless renewed. */
import type { Clock, TimerHandle } from "./types.ts";

/** How long a "typing" notice lasts without renewal. */
export const TYPING_TTL_MS = 6000;

/** The typing notices of the other instances of a cluster (for `who`). */
export interface SharedTyping {
  /** True while `user`, on another instance, is typing in `room`. */
  isTyping(room: string, user: string): boolean;
}

interface Entry {
  connId: string;
  timer: TimerHandle;
}

/**
 * Who is typing in which room. A notice expires after TYPING_TTL_MS without renewal; it is
 * also cleared on send, on leave and when the connection that set it closes. `onChange` is
 * called once per change.
 */
export class Typing {
  #clock: Clock;
  #onChange: (room: string, user: string, isTyping: boolean) => void;
  #entries = new Map<string, Entry>();

  /** Typing state on `clock`, reporting changes to `onChange`. */
  constructor(clock: Clock, onChange: (room: string, user: string, isTyping: boolean) => void) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** Set or renew (`isTyping`), or clear, the notice of `user` in `room`. */
  set(room: string, user: string, connId: string, isTyping: boolean): void {
    if (!isTyping) return this.clear(room, user);
    const key = entryKey(room, user);
    const e = this.#entries.get(key);
    if (e) this.#clock.clearTimer(e.timer);
    const timer = this.#clock.setTimer(() => this.clear(room, user), TYPING_TTL_MS);
    this.#entries.set(key, { connId, timer });
    if (!e) this.#onChange(room, user, true);
  }

  /** Clear the notice of `user` in `room`, if any. */
  clear(room: string, user: string): void {
    if (this.#entries.size === 0) return;
    const key = entryKey(room, user);
    const e = this.#entries.get(key);
    if (!e) return;
    this.#clock.clearTimer(e.timer);
    this.#entries.delete(key);
    this.#onChange(room, user, false);
  }

  /** Clear every notice set through connection `connId`. */
  clearConnection(connId: string): void {
    for (const [key, e] of this.#entries) {
      if (e.connId !== connId) continue;
      const [room, user] = key.split("\u0000") as [string, string];
      this.clear(room, user);
    }
  }

  /** True while `user` is typing in `room`. */
  isTyping(room: string, user: string): boolean {
    return this.#entries.has(entryKey(room, user));
  }

  /** Cancel every timer (server stop). */
  stop(): void {
    for (const e of this.#entries.values()) this.#clock.clearTimer(e.timer);
    this.#entries.clear();
  }
}

function entryKey(room: string, user: string): string {
  return `${room}\u0000${user}`;
}
