/**
 * Presence across the instances of a cluster. Each instance tells the others its own view of
 * each user whose view changed (at most once per presence interval per user, as the rooms
 * hear of it); every instance merges the views it holds. A gone instance's views are dropped
 * (see Instances), so its users go offline unless another instance holds them; a new
 * instance is told every view.
 */
import { mergeViews } from "../domain/presence-shared.ts";
import type { PresenceView, SharedPresence } from "../domain/presence-shared.ts";
import type { Instances } from "./instances.ts";
import { setParts } from "./signals.ts";
import { WholeSets } from "./whole-sets.ts";
import type { Signal, Signals } from "./signals.ts";
/** Views per signal when an instance tells all it holds. */
const VIEWS_PER_SIGNAL = 500;

/** The merged presence of the cluster, as this instance sees it. */
export class ClusterPresence implements SharedPresence {
  onMerged: (user: string, view: PresenceView) => void = () => {};
  #signals: Signals;
  #instances: Instances;
  #instance: string;
  /** user -> instance -> that instance's view (offline views are not kept). */
  #views = new Map<string, Map<string, PresenceView>>();
  /** The merged view each user was last reported with. */
  #told = new Map<string, PresenceView>();
  /** instance -> the users it holds a view of. */
  #usersOf = new Map<string, Set<string>>();
  /** instance -> the views of the whole set it is telling, until its last part. */
  #incoming = new WholeSets<PresenceView>();

  /** Presence over `signals`; a new instance hears this one's views, a gone one's are dropped. */
  constructor(signals: Signals, instances: Instances, instance: string) {
    this.#signals = signals;
    this.#instances = instances;
    this.#instance = instance;
    signals.on("presence", (s) => this.#heardViews(s));
    instances.onHello(() => this.#tellAll());
    instances.onGone((gone) => this.#drop(gone));
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
    const from = signal.from;
    this.#instances.heard(from);
    const views = signal.views.filter(([user, view]) => typeof user === "string" && isView(view));
    const whole = this.#incoming.take(from, signal.set, views, (user, view) =>
      this.#set(from, user, view),
    );
    if (!whole) return;
    // The whole set replaces what was held of the instance: only what differs is told.
    for (const user of [...(this.#usersOf.get(from) ?? [])]) {
      if (!whole.has(user)) this.#set(from, user, { status: "offline" });
    }
    for (const [user, view] of whole) this.#set(from, user, view);
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

  // A gone instance's users' views go with it.
  #drop(instance: string): void {
    this.#incoming.drop(instance);
    const users = this.#usersOf.get(instance);
    this.#usersOf.delete(instance);
    for (const user of users ?? []) this.#set(instance, user, { status: "offline" });
  }

  // Tell every view this instance holds, as a whole set in bounded signals.
  #tellAll(): void {
    const views: [string, PresenceView][] = [];
    for (const user of this.#usersOf.get(this.#instance) ?? []) {
      const view = this.#views.get(user)?.get(this.#instance);
      if (view) views.push([user, view]);
    }
    for (const part of setParts(views, VIEWS_PER_SIGNAL)) {
      this.#signals.send({ kind: "presence", views: part.items, set: part.set });
    }
  }
}

function isView(x: unknown): x is PresenceView {
  if (typeof x !== "object" || x === null) return false;
  const v = x as PresenceView;
  const isStatus = v.status === "online" || v.status === "idle" || v.status === "offline";
  return isStatus && (v.away === undefined || typeof v.away === "string");
}
