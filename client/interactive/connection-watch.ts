/**
 * The connection's state as the chat sees it: the prompt counts down while reconnecting,
 * and the session is told when the connection drops, comes back, is refused (the session
 * was ended elsewhere) or ends for another reason.
 */
import type { ConnectionState } from "../connection.ts";

/** What the session does at each change. */
export interface WatchTarget {
  /** The connection dropped; a reconnect is under way. */
  dropped(): void;
  /** The connection is back after a drop. */
  back(): Promise<void>;
  /** The connection ended because the server refused the session. */
  refused(): void;
  /** The connection ended for another reason. */
  ended(): void;
  /** The prompt shows the state (and the countdown): draw it again. */
  refreshPrompt(): void;
}

/** How often the countdown to the next attempt is redrawn, in ms. */
const COUNTDOWN_MS = 250;

/** Follows one connection's state for the chat. */
export class ConnectionWatch {
  #target: WatchTarget;
  #state: ConnectionState = "open";
  #lastErrorCode: string | null = null;
  #countdown: ReturnType<typeof setInterval> | null = null;

  constructor(target: WatchTarget) {
    this.#target = target;
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** An error event arrived: its code tells a refused session from a lost connection. */
  noteError(code: unknown): void {
    if (typeof code === "string") this.#lastErrorCode = code;
  }

  /** A new session was started: an earlier refusal no longer counts. */
  forgetError(): void {
    this.#lastErrorCode = null;
  }

  /** The connection's state changed. */
  async changed(state: ConnectionState): Promise<void> {
    const previous = this.#state;
    this.#state = state;
    if (state === "reconnecting" && previous === "open") {
      // A long wait stays visibly alive.
      this.#countdown = setInterval(() => this.#target.refreshPrompt(), COUNTDOWN_MS);
      this.#target.dropped();
    }
    if (state !== "reconnecting") this.stop();
    this.#target.refreshPrompt();
    if (state === "closed") {
      const code = this.#lastErrorCode;
      if (code === "auth_failed" || code === "auth_required") this.#target.refused();
      else this.#target.ended();
      return;
    }
    if (state === "open" && previous !== "open") await this.#target.back();
  }

  /** Stop the countdown. */
  stop(): void {
    if (this.#countdown) clearInterval(this.#countdown);
    this.#countdown = null;
  }
}
