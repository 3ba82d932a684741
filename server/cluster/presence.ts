/**
 * Presence across the instances of a cluster. Each instance tells the others its own view of
 * each user whose view changed (at most once per presence interval per user, as the rooms
 * hear of it) and sends a heartbeat every second; every instance merges the views it holds.
 * An instance unheard of for `--instance-timeout` seconds is gone: its views are dropped, so
 * its users go offline unless another instance holds them. A new instance says hello and
 * the others answer with their views.
 */
import type { Clock, TimerHandle } from "../domain/types.ts";
import { mergeViews } from "../domain/presence-shared.ts";
import type { PresenceView, SharedPresence } from "../domain/presence-shared.ts";
import type { Signal, Signals } from "./signals.ts";

/** Milliseconds between two heartbeats. */
const BEAT_MS = 1000;
/** Views per signal when an instance tells all it holds. */
const VIEWS_PER_SIGNAL = 500;

/** The merged presence of the cluster, as this instance sees it. */
export class ClusterPresence implements SharedPresence {
  onMerged: (user: string, view: PresenceView) => void = () => {};
  #signals: Signals;
  #clock: Clock;
  #timeoutMs: number;
  #instance: string;
  /** user -> instance -> that instance's view (offline views are not kept). */
  #views = new Map<string, Map<string, PresenceView>>();
  /** The merged view each user was last reported with. */
  #told = new Map<string, PresenceView>();
  /** instance -> when it was last heard of. */
  #heard = new Map<string, number>();
  /** instance -> the users it holds a view of. */
  #usersOf = new Map<string, Set<string>>();
  #timer: TimerHandle | null = null;

  /** Presence over `signals`; instances unheard of for `timeoutMs` are gone. */
  constructor(signals: Signals, clock: Clock, instance: string, timeoutMs: number) {
    this.#signals = signals;
    this.#clock = clock;
    this.#instance = instance;
    this.#timeoutMs = timeoutMs;
    signals.on("presence", (s) => this.#heardViews(s));
    signals.on("beat", (s) => this.#beat(s.from));
    signals.on("hello", (s) => {
      this.#beat(s.from);
      this.#tellAll();
    });
  }

  /** Say hello (the others answer with their views) and start the heartbeat. */
  start(): void {
    this.#signals.send({ kind: "hello" });
    const tick = (): void => {
      this.#signals.send({ kind: "beat" });
      this.#sweep();
      this.#timer = this.#clock.setTimer(tick, BEAT_MS);
    };
    this.#timer = this.#clock.setTimer(tick, BEAT_MS);
  }

  /** Stop the heartbeat (server stop): the others drop this instance's views in time. */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  local(user: string, view: PresenceView): void {
    this.#set(this.#instance, user, view);
    this.#signals.send({ kind: "presence", views: [[user, view]] });
  }

  view(user: string): PresenceView {
    const views = this.#views.get(user);
    return views ? mergeViews(views.values()) : { status: "offline" };
  }

  #heardViews(signal: Signal): void {
    if (signal.kind !== "presence" || !Array.isArray(signal.views)) return;
    this.#beat(signal.from);
    for (const [user, view] of signal.views) {
      if (typeof user === "string" && isView(view)) this.#set(signal.from, user, view);
    }
  }

  #set(instance: string, user: string, view: PresenceView): void {
    let views = this.#views.get(user);
    let users = this.#usersOf.get(instance);
    if (view.status === "offline") {
      views?.delete(instance);
      if (views?.size === 0) this.#views.delete(user);
      users?.delete(user);
    } else {
      if (!views) this.#views.set(user, (views = new Map()));
      views.set(instance, view);
      if (!users) this.#usersOf.set(instance, (users = new Set()));
      users.add(user);
    }
    this.#report(user);
  }

  // Tell the rooms when the merged view changed from what they heard last.
  #report(user: string): void {
    const now = this.view(user);
    const before = this.#told.get(user) ?? { status: "offline" };
    if (now.status === before.status && now.away === before.away) return;
    if (now.status === "offline") this.#told.delete(user);
    else this.#told.set(user, now);
    this.onMerged(user, now);
  }

  #beat(instance: string): void {
    this.#heard.set(instance, this.#clock.now());
  }

  // Instances unheard of for the timeout are gone: their users' views with them.
  #sweep(): void {
    const now = this.#clock.now();
    for (const [instance, at] of this.#heard) {
      if (now - at < this.#timeoutMs) continue;
      this.#heard.delete(instance);
      const users = this.#usersOf.get(instance);
      this.#usersOf.delete(instance);
      for (const user of users ?? []) this.#set(instance, user, { status: "offline" });
    }
  }

  // A new instance said hello: tell it every view this instance holds, in bounded signals.
  #tellAll(): void {
    const mine = [...(this.#usersOf.get(this.#instance) ?? [])];
    for (let i = 0; i < mine.length; i += VIEWS_PER_SIGNAL) {
      const views = mine
        .slice(i, i + VIEWS_PER_SIGNAL)
        .map((u): [string, PresenceView] => [u, this.#views.get(u)?.get(this.#instance)!]);
      this.#signals.send({ kind: "presence", views: views.filter(([, v]) => v !== undefined) });
    }
  }
}

function isView(x: unknown): x is PresenceView {
  if (typeof x !== "object" || x === null) return false;
  const v = x as PresenceView;
  const isStatus = v.status === "online" || v.status === "idle" || v.status === "offline";
  return isStatus && (v.away === undefined || typeof v.away === "string");
}
