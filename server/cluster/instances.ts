/**
 * Which instances of the cluster are alive: each sends a heartbeat every second and says
 * hello when it starts; one unheard of for the timeout is gone. What an instance holds for
 * the others (its users' presence, its connection counts) is told again to a new instance
 * (`onHello`) and dropped with a gone one (`onGone`).
 */
import type { Clock, TimerHandle } from "../domain/types.ts";
import type { Signals } from "./signals.ts";

/** Milliseconds between two heartbeats. */
const BEAT_MS = 1000;

/** The other instances, as heard of over the signals channel. */
export class Instances {
  #signals: Signals;
  #clock: Clock;
  #timeoutMs: number;
  /** instance -> when it was last heard of. */
  #heard = new Map<string, number>();
  #hello: (() => void)[] = [];
  #gone: ((instance: string) => void)[] = [];
  #timer: TimerHandle | null = null;

  /** Instances heard of over `signals`; gone after `timeoutMs` unheard. */
  constructor(signals: Signals, clock: Clock, timeoutMs: number) {
    this.#signals = signals;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    signals.on("beat", (s) => this.heard(s.from));
    signals.on("hello", (s) => {
      this.heard(s.from);
      for (const fn of this.#hello) fn();
    });
  }

  /** Run `fn` when a new instance says hello (to tell it what this one holds). */
  onHello(fn: () => void): void {
    this.#hello.push(fn);
  }

  /** Run `fn` with each instance found gone. */
  onGone(fn: (instance: string) => void): void {
    this.#gone.push(fn);
  }

  /** `instance` was heard of now (any signal of it counts). */
  heard(instance: string): void {
    this.#heard.set(instance, this.#clock.now());
  }

  /** Say hello and start the heartbeat. */
  start(): void {
    this.#signals.send({ kind: "hello" });
    const tick = (): void => {
      this.#signals.send({ kind: "beat" });
      this.#sweep();
      this.#timer = this.#clock.setTimer(tick, BEAT_MS);
    };
    this.#timer = this.#clock.setTimer(tick, BEAT_MS);
  }

  /** Stop the heartbeat (server stop): the others find this instance gone in time. */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [instance, at] of this.#heard) {
      if (now - at < this.#timeoutMs) continue;
      this.#heard.delete(instance);
      for (const fn of this.#gone) fn(instance);
    }
  }
}
