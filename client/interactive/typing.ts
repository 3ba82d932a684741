/**
 * Typing notices and keystroke activity, throttled. Pure logic on an injected clock:
 * "typing" while the input line holds text that is not a command (at most one per
 * interval), "stopped" when it is emptied or sent, and an `activity` frame now and then
 * so that a person typing never goes idle.
 */

/** How often "typing" is renewed at most, in ms (the server forgets it after 6 s). */
const TYPING_INTERVAL_MS = 3_000;
/** How often keystrokes are reported as activity at most, in ms. */
const ACTIVITY_INTERVAL_MS = 10_000;

/** Where the notices go. */
export interface TypingSink {
  typing(room: string, typing: boolean): void;
  activity(): void;
}

/** Decides when to send typing notices and activity for the edits of the input line. */
export class TypingNotifier {
  #sink: TypingSink;
  #now: () => number;
  #typingRoom: string | null = null;
  #typingSentAt = -Infinity;
  #activitySentAt = -Infinity;

  constructor(sink: TypingSink, now: () => number = Date.now) {
    this.#sink = sink;
    this.#now = now;
  }

  /** The room a "typing" notice is standing for, or null. */
  get typingRoom(): string | null {
    return this.#typingRoom;
  }

  /** The input line changed to `line` while `room` is the current room (null: none). */
  edited(line: string, room: string | null): void {
    const now = this.#now();
    if (line !== "" && now - this.#activitySentAt >= ACTIVITY_INTERVAL_MS) {
      this.#activitySentAt = now;
      this.#sink.activity();
    }
    const isTyping = room !== null && line.trim() !== "" && !line.startsWith("/");
    if (!isTyping || room !== this.#typingRoom) this.stop();
    if (!isTyping || room === null) return;
    if (this.#typingRoom === null || now - this.#typingSentAt >= TYPING_INTERVAL_MS) {
      this.#typingRoom = room;
      this.#typingSentAt = now;
      this.#sink.typing(room, true);
    }
  }

  /** Say "stopped" if a "typing" notice is standing (line sent, room left, disconnected). */
  stop(): void {
    const room = this.#typingRoom;
    if (room === null) return;
    this.#typingRoom = null;
    this.#typingSentAt = -Infinity;
    this.#sink.typing(room, false);
  }

  /** Forget a standing notice without sending anything (the connection dropped it). */
  reset(): void {
    this.#typingRoom = null;
    this.#typingSentAt = -Infinity;
  }
}
