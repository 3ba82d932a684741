/**
 * The admin's tools beyond kick (SPEC 5.3): bans, invites and handing a room over. Every
 * change is one journal line (`ban`, `invite`, `room_admin`), and the bans and invites of one
 * room are bounded (server flags). Each request checks the room with adminRoom, so a hidden
 * room answers a non-member not_found exactly as a missing room does.
 */
import type { ServerMessage } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import { userName } from "./accounts.ts";
import { commitEvents, roomStream, userStream } from "./record.ts";
import { adminRoom, roomName } from "./room-access.ts";
import { quotaLock } from "./room-quota.ts";
import type { KeyedQueue } from "./serial.ts";
import { roomLock } from "./serial.ts";
import { firstAfter, roomInfo } from "./state.ts";
import type { Deps } from "./deps.ts";

/** Bounds of moderation, each a server flag; 0 means no bound. */
export interface ModerationBounds {
  /** Users one room may have banned at once. */
  maxBansPerRoom: number;
  /** Invites one room may have waiting at once. */
  maxInvitesPerRoom: number;
}

/** The bounds when no flag sets them. */
export const DEFAULT_MODERATION_BOUNDS: ModerationBounds = {
  maxBansPerRoom: 1000,
  maxInvitesPerRoom: 1000,
};

/** One page of `bans`: `next` when more follow (ask again with it as `cursor`). */
export interface BansReply {
  room: string;
  users: string[];
  next?: string;
}

/** Bans, invites and handing a room over; admin only. */
export class Moderation {
  #d: Deps;
  #queue: KeyedQueue;
  #bounds: ModerationBounds;
  #pageMax: number;
  #maxAdmin: number;

  /**
   * Moderation over the shared state: `bounds` per room, `pageMax` names per `bans` page, and
   * `maxRoomsPerUser` (0: none) the rooms one user may administer, a handed-over one included.
   */
  constructor(
    deps: Deps,
    queue: KeyedQueue,
    bounds: ModerationBounds,
    pageMax: number,
    maxRoomsPerUser: number,
  ) {
    this.#d = deps;
    this.#queue = queue;
    this.#bounds = bounds;
    this.#pageMax = pageMax;
    this.#maxAdmin = maxRoomsPerUser;
  }

  /**
   * Ban a user: a member is removed, a request dropped, an invite cancelled, and later joins
   * and requests are refused. The user is told with a `member` event `banned`.
   */
  ban(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "ban");
      const target = this.#account(rawTarget);
      if (target === user) throw new ChatError("bad_request", "the admin cannot ban themselves");
      if (room.banned.has(target)) return;
      const max = this.#bounds.maxBansPerRoom;
      if (max > 0 && room.banned.size >= max) {
        throw new ChatError("forbidden", `'${name}' has ${max} bans, the most a room may have`);
      }
      // It tells someone else, as a DM would: one message of the rate limit.
      this.#d.limits.message(user);
      // A member hears it in the room, whose delivery to them then stops; others on their own.
      const wasMember = room.members.has(target);
      const event = { type: "member", room: name, user: target, event: "banned" } as const;
      await commitEvents(
        this.#d,
        [{ op: "ban", room: name, user: target, present: true }],
        [{ stream: wasMember ? roomStream(name) : userStream(target), event }],
      );
    });
  }

  /** Lift a ban; not_found when the user is not banned. */
  unban(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "unban");
      const target = userName(rawTarget);
      if (!room.banned.has(target)) {
        throw new ChatError("not_found", `'${target}' is not banned from '${name}'`);
      }
      await this.#d.changes.append([{ op: "ban", room: name, user: target, present: false }]);
    });
  }

  /** One page of a room's banned users, sorted: at most `limit` after the name `cursor`. */
  bans(user: string, raw: string, page: { limit?: number; cursor?: string }): BansReply {
    const room = adminRoom(this.#d.state, raw, user, "see its bans");
    // At most maxBansPerRoom names, sorted per request: cheaper than keeping them sorted.
    const sorted = [...room.banned].sort();
    const limit = Math.min(page.limit ?? this.#pageMax, this.#pageMax);
    const start = page.cursor === undefined ? 0 : firstAfter(sorted, page.cursor);
    const users = sorted.slice(start, start + limit);
    const last = users.at(-1);
    return start + limit < sorted.length && last !== undefined
      ? { room: room.name, users, next: last }
      : { room: room.name, users };
  }

  /**
   * Invite a user into the room: they may join at once, closed or hidden, and are told with an
   * `invite` event. An invite lifts a ban. Inviting someone invited already changes nothing.
   */
  invite(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "invite");
      const target = this.#account(rawTarget);
      if (room.members.has(target)) {
        throw new ChatError("conflict", `'${target}' is already a member of '${name}'`);
      }
      if (room.pending.has(target)) {
        throw new ChatError("conflict", `'${target}' asked to join '${name}'; approve the request`);
      }
      if (room.invited.has(target)) return;
      const max = this.#bounds.maxInvitesPerRoom;
      if (max > 0 && room.invited.size >= max) {
        throw new ChatError(
          "forbidden",
          `'${name}' has ${max} invites waiting, the most a room may have`,
        );
      }
      // It tells someone else, as a DM would: one message of the rate limit.
      this.#d.limits.message(user);
      const event = { type: "invite", room: name, from: user } satisfies ServerMessage;
      await commitEvents(
        this.#d,
        [{ op: "invite", room: name, user: target, present: true }],
        [{ stream: userStream(target), event }],
      );
    });
  }

  /** Withdraw an invite that was not used yet; not_found when there is none. */
  uninvite(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "withdraw an invite");
      const target = userName(rawTarget);
      if (!room.invited.has(target)) {
        throw new ChatError("not_found", `'${target}' has no invite to '${name}'`);
      }
      await this.#d.changes.append([{ op: "invite", room: name, user: target, present: false }]);
    });
  }

  /** Make another member the admin; the caller stays a member. Members are told. */
  handover(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    const target = userName(rawTarget);
    return this.#queue.run([roomLock(name), quotaLock(target)], async () => {
      const room = adminRoom(this.#d.state, name, user, "hand it over");
      if (target === user) throw new ChatError("bad_request", `you are the admin of '${name}'`);
      if (!room.members.has(target)) {
        throw new ChatError("not_found", `'${target}' is not a member of '${name}'`);
      }
      const max = this.#maxAdmin;
      if (max > 0 && this.#d.state.adminRoomsOf(target).size >= max) {
        const message = `'${target}' already administers ${max} rooms, the most one user may have`;
        throw new ChatError("forbidden", message);
      }
      // Told to every member and kept among the room's events, as a message is: one message.
      this.#d.limits.message(user);
      const update = { type: "room_update", room: { ...roomInfo(room, null), admin: target } };
      await commitEvents(
        this.#d,
        [{ op: "room_admin", room: name, admin: target }],
        [{ stream: roomStream(name), event: update }],
      );
      this.#d.log.info("room_handover", { room: name, user, to: target });
    });
  }

  // A user name that has an account; not_found otherwise.
  #account(raw: string): string {
    const name = userName(raw);
    if (!this.#d.state.users.has(name)) throw new ChatError("not_found", `no such user '${name}'`);
    return name;
  }
}
