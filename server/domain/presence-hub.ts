/**
 * Presence wired together: each user's status on this server (Presence), their away message,
 * the rooms told in batches (PresenceBatch), and in a cluster the views of the other
 * instances merged in (SharedPresence) before the rooms hear of a change.
 */
import type { Status } from "../../shared/protocol.ts";
import { AwayMessages } from "./away.ts";
import type { ChatState } from "./state.ts";
import { Presence, PRESENCE_USERS } from "./presence.ts";
import type { PresenceOptions } from "./presence.ts";
import { PresenceBatch } from "./presence-batch.ts";
import type { PresenceView, SharedPresence } from "./presence-shared.ts";
import type { Clock, Publisher } from "./types.ts";
import { roomTopic } from "./types.ts";

/** What presence needs of the domain. */
export interface PresenceDeps {
  clock: Clock;
  publisher: Publisher;
  state: ChatState;
}

/** Statuses, away messages and how the rooms hear of them. */
export class PresenceHub {
  /** This server's view of each user (connections, activity, idle). */
  readonly presence: Presence;
  readonly #away = new AwayMessages();
  readonly #batch: PresenceBatch;
  readonly #shared: SharedPresence | null;

  /** Presence going idle after `idleAfterMs`, told to the rooms as `opts` say. */
  constructor(
    deps: PresenceDeps,
    idleAfterMs: number,
    opts: PresenceOptions | undefined,
    shared: SharedPresence | null,
  ) {
    this.#batch = new PresenceBatch(
      deps.clock,
      opts?.windowMs ?? 0,
      opts?.usersPerEvent ?? PRESENCE_USERS,
      {
        roomsOf: (user) => deps.state.roomsOfUser(user),
        publish: (room, event) =>
          deps.publisher.publish(roomTopic(room), { type: "presence", ...event }),
      },
    );
    this.#shared = shared;
    if (shared) shared.onMerged = (user, view) => this.#batch.add({ user, ...view });
    this.presence = new Presence(
      deps.clock,
      idleAfterMs,
      (user, status) => this.#changed(user, status),
      opts,
      (user) => this.#away.get(user),
    );
  }

  /** The user's status and away message as the rooms hear them (the cluster's, merged). */
  view(user: string): PresenceView {
    if (this.#shared) return this.#shared.view(user);
    const status = this.presence.status(user);
    const away = this.#away.get(user);
    return away === undefined ? { status } : { status, away };
  }

  /** Set (non-empty) or clear ("") the user's away message; the rooms hear of a change. */
  setAway(user: string, message: string): void {
    if (this.#away.set(user, message)) this.presence.awayChanged(user);
  }

  /** Cancel timers (server stop). */
  stop(): void {
    this.presence.stop();
    this.#batch.stop();
  }

  // Told to the user's rooms at the end of the running window, with the others of each room;
  // in a cluster once merged with the other instances' views.
  #changed(user: string, status: Status): void {
    const away = this.#away.get(user);
    const view = away === undefined ? { status } : { status, away };
    if (this.#shared) this.#shared.local(user, view);
    else this.#batch.add({ user, ...view });
  }
}
