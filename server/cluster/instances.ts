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
  #tellers: (() => void)[] = [];
  #gone: ((instance: string) => void)[] = [];
  #timer: TimerHandle | null = null;
  #lastHello = Number.NEGATIVE_INFINITY;

  /** Instances heard of over `signals`; gone after `timeoutMs` unheard. */
  constructor(signals: Signals, clock: Clock, timeoutMs: number) {
    this.#signals = signals;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    signals.on("beat", (s) => this.heard(s.from));
    signals.on("hello", (s) => {
      this.#heard.set(s.from, this.#clock.now());
      this.#tellAll();
    });
    // Signals were lost while Redis was away: everyone tells everything again.
    signals.onResubscribed(() => this.#hello());
  }

  /** Run `fn` when what this instance holds must be told again (a hello, an outage). */
  onHello(fn: () => void): void {
    this.#tellers.push(fn);
  }

  /** Run `fn` with each instance found gone. */
  onGone(fn: (instance: string) => void): void {
    this.#gone.push(fn);
  }

  /**
   * `instance` was heard of now (any signal of it counts). One unknown here (found gone after
   * an outage, or missed its hello) is asked, with everyone, to tell what it holds again.
   */
  heard(instance: string): void {
    const isKnown = this.#heard.has(instance);
    this.#heard.set(instance, this.#clock.now());
    if (!isKnown) this.#hello();
  }

  /** Say hello and start the heartbeat. */
  start(): void {
    this.#lastHello = this.#clock.now();
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

  // Ask everyone to tell what they hold, and tell what this instance holds (at most once a
  // heartbeat: the instances a new one hears of at once need one hello, not one each).
  #hello(): void {
    const now = this.#clock.now();
    if (now - this.#lastHello < BEAT_MS) return;
    this.#lastHello = now;
    this.#signals.send({ kind: "hello" });
    this.#tellAll();
  }

  #tellAll(): void {
    for (const fn of this.#tellers) fn();
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
