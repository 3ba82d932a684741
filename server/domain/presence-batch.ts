/**
 * Presence changes gathered per room over a short window: at its end each room of a changed
 * user hears one event listing every user of the room that changed in it (the latest state of
 * each), split past `usersPerEvent`. So n users arriving in one room within a window cost each
 * member one event naming them, not n events: n arrivals are O(n) deliveries per member in all,
 * not O(n) each.
 */
import type { PresenceEvent, PresenceUser } from "../../shared/protocol.ts";
import type { Clock, TimerHandle } from "./types.ts";

/** Where a batch goes: the rooms of a user now, and the publishing of one room's event. */
export interface BatchSink {
  /** The rooms the user is a member of (read when the window ends). */
  roomsOf(user: string): Iterable<string>;
  /** Publish one presence event to the room's members. */
  publish(room: string, event: PresenceEvent): void;
}

/** Gathers users' presence changes and publishes them per room once per `windowMs`. */
export class PresenceBatch {
  #clock: Clock;
  #windowMs: number;
  #usersPerEvent: number;
  #sink: BatchSink;
  // The users changed in the running window, each with their latest state.
  #pending = new Map<string, PresenceUser>();
  #timer: TimerHandle | null = null;

  /** `windowMs` 0 publishes every change at once; `usersPerEvent` bounds one event's list. */
  constructor(clock: Clock, windowMs: number, usersPerEvent: number, sink: BatchSink) {
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#usersPerEvent = Math.max(1, usersPerEvent);
    this.#sink = sink;
  }

  /** The user's state to tell: published at the end of the running window (a new one if none). */
  add(state: PresenceUser): void {
    // Re-inserted so that the list is in the order of the users' last changes.
    this.#pending.delete(state.user);
    this.#pending.set(state.user, state);
    if (this.#windowMs <= 0) return this.#flush();
    this.#timer ??= this.#clock.setTimer(() => this.#flush(), this.#windowMs);
  }

  /** Cancel the window's timer; what it gathered is dropped (server stop). */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#pending.clear();
  }

  #flush(): void {
    this.#timer = null;
    const byRoom = new Map<string, PresenceUser[]>();
    for (const state of this.#pending.values()) {
      for (const room of this.#sink.roomsOf(state.user)) {
        const list = byRoom.get(room);
        if (list) list.push(state);
        else byRoom.set(room, [state]);
      }
    }
    this.#pending.clear();
    const max = this.#usersPerEvent;
    for (const [room, users] of byRoom) {
      for (let i = 0; i < users.length; i += max) {
        const part = users.length <= max ? users : users.slice(i, i + max);
        this.#sink.publish(room, presenceEvent(room, part));
      }
    }
  }
}

/**
 * The event telling a room of `users`: each name in the list of its status, so that a name
 * costs its own length and a few bytes, not a whole object (n arrivals are n names to each of
 * up to n members).
 */
export function presenceEvent(room: string, users: readonly PresenceUser[]): PresenceEvent {
  const event: PresenceEvent = { room, online: [], idle: [], offline: [], away: {} };
  for (const u of users) {
    event[u.status].push(u.user);
    if (u.away !== undefined) event.away[u.user] = u.away;
  }
  return event;
}
