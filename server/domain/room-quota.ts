/** Quotas on rooms per user (SPEC 6): rooms administered, rooms joined, creation rate. */
import { ChatError } from "../../shared/errors.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { BucketSpec } from "./rate-limit.ts";
import type { Deps } from "./deps.ts";
import type { WindowQuota } from "./window-quota.ts";

/** Bounds on what one user may hold (SPEC 6); each is a server flag. */
export interface RoomQuotas {
  /** Live rooms one user may administer (created and not shut down); 0: no quota. */
  maxRoomsPerUser: number;
  /** Live rooms one user may be a member of or have a pending request in; 0: no quota. */
  maxRoomsJoined: number;
  /** Room creations per user: a burst, then a steady rate (off with the rate limits). */
  createLimit: BucketSpec;
  /** Rooms one user may create in 24 hours, shut-down ones included; absent or 0: no quota. */
  maxRoomsCreated?: number;
  /** DM conversations one user may start in 24 hours; absent or 0: no quota. */
  maxNewConversations?: number;
}

/** The quotas when no flag sets them. */
export const DEFAULT_ROOM_QUOTAS: RoomQuotas = {
  maxRoomsPerUser: 50,
  maxRoomsJoined: 1000,
  createLimit: { burst: 10, perSecond: 1 },
};

/** The checks of the room quotas, made under `quotaLock` of the user. */
export class RoomQuota {
  #d: Deps;
  #quotas: RoomQuotas;
  #creations: RateLimiter;
  #createdToday: WindowQuota;

  /**
   * Quotas over the shared state; the creation bucket is off with the rate limits. The rooms
   * created in the last day are counted from their stored creation time, so a restart keeps
   * them (a room handed over counts for its admin then).
   */
  constructor(deps: Deps, quotas: RoomQuotas) {
    this.#d = deps;
    this.#quotas = quotas;
    this.#creations = deps.limits.bucket("room-creations", quotas.createLimit);
    this.#createdToday = deps.limits.daily("rooms-created", quotas.maxRoomsCreated ?? 0);
    for (const room of deps.state.rooms.values()) {
      this.#createdToday.note(room.admin, Date.parse(room.created));
    }
  }

  /**
   * Refuse a creation over the user's quota of live rooms or of rooms created today, or faster
   * than the creation bucket. A room is counted for today once it is stored (`created`).
   */
  checkCreate(user: string): void {
    const max = this.#quotas.maxRoomsPerUser;
    if (max > 0 && this.#d.state.adminRoomsOf(user).size >= max) {
      throw new ChatError(
        "forbidden",
        `you already administer ${max} rooms, the most one user may have; shut one down first`,
      );
    }
    this.checkJoined(user);
    this.#createdToday.check(user, "too many rooms created today");
    if (this.#d.limits.isEnabled) {
      const waitMs = this.#creations.take(user);
      if (waitMs > 0) {
        const message = `too many rooms created; retry in ${Math.ceil(waitMs / 1000)} s`;
        throw new ChatError("rate_limited", message, waitMs);
      }
    }
  }

  /**
   * A room created by `admin` at `created` was stored: counted for today, on whichever
   * instance of a cluster it was made (the creations of one user run under `quotaLock`, so the
   * next one's check sees it).
   */
  created(admin: string, created: string): void {
    this.#createdToday.note(admin, Date.parse(created));
  }

  /** Refuse one more membership or request past the user's quota (IRC's channel limit). */
  checkJoined(user: string): void {
    const state = this.#d.state;
    const max = this.#quotas.maxRoomsJoined;
    if (max > 0 && state.roomsOfUser(user).size + state.pendingRoomsOf(user).size >= max) {
      throw new ChatError(
        "forbidden",
        `you are in ${max} rooms (joined or asked to join), the most allowed; leave one first`,
      );
    }
  }
}

/**
 * The queue key of a user's room quotas: two joins or creations of one user at once must not
 * both pass the last free place (a key of its own, not the user record's: nothing else waits).
 */
export function quotaLock(user: string): string {
  return `quota:${user}`;
}
