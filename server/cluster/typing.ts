/**
 * Who is typing on the other instances of a cluster: their typing notices pass over the
 * signals channel to this instance's sockets, and are remembered here for `who`, each until
 * it is cleared or expires as a local one does.
 */
import type { SharedTyping } from "../domain/typing.ts";
import { TYPING_TTL_MS } from "../domain/typing.ts";
import type { Clock, TimerHandle } from "../domain/types.ts";
import type { Signals } from "./signals.ts";

/** The typing notices of the other instances. */
export class ClusterTyping implements SharedTyping {
  #clock: Clock;
  /** `room \0 user` -> the timer that ends the notice. */
  #typing = new Map<string, TimerHandle>();

  /** Notices heard over `signals`. */
  constructor(signals: Signals, clock: Clock) {
    this.#clock = clock;
    signals.on("publish", (s) => {
      if (s.kind !== "publish" || s.msg.type !== "typing") return;
      const { room, user, typing } = s.msg;
      if (typeof room === "string" && typeof user === "string") this.#set(room, user, typing);
    });
  }

  isTyping(room: string, user: string): boolean {
    return this.#typing.has(`${room}\u0000${user}`);
  }

  /** Cancel every timer (server stop). */
  stop(): void {
    for (const timer of this.#typing.values()) this.#clock.clearTimer(timer);
    this.#typing.clear();
  }

  #set(room: string, user: string, isTyping: boolean): void {
    const key = `${room}\u0000${user}`;
    const old = this.#typing.get(key);
    if (old !== undefined) this.#clock.clearTimer(old);
    if (!isTyping) {
      this.#typing.delete(key);
      return;
    }
    this.#typing.set(
      key,
      this.#clock.setTimer(() => this.#typing.delete(key), TYPING_TTL_MS),
    );
  }
}
