/**
 * Presence shared between the instances of a cluster: a user is online while any instance
 * holds a live connection of theirs. Each instance reports its own view of a user; the
 * rooms hear of the merged one. A single server has no such thing (its view is the whole).
 */
import type { Status } from "../../shared/protocol.ts";

/** One instance's view of a user. */
export interface PresenceView {
  status: Status;
  away?: string;
}

/** The merged presence of every instance. */
export interface SharedPresence {
  /**
   * This instance's view of `user` changed; the merged view is reported (see `onMerged`)
   * when it changed too.
   */
  local(user: string, view: PresenceView): void;
  /** The merged view of `user`. */
  view(user: string): PresenceView;
  /** Hear of every change of a merged view (set by the domain before anything is reported). */
  onMerged: (user: string, view: PresenceView) => void;
}

const RANK: Record<Status, number> = { offline: 0, idle: 1, online: 2 };

/** The view of several instances as one: the most present status, with its away message. */
export function mergeViews(views: Iterable<PresenceView>): PresenceView {
  let best: PresenceView = { status: "offline" };
  for (const v of views) {
    if (RANK[v.status] > RANK[best.status]) best = v;
    else if (best.away === undefined && v.away !== undefined && v.status !== "offline") {
      best = { status: best.status, away: v.away };
    }
  }
  return best.away === undefined ? { status: best.status } : best;
}
