/** Rooms: create, edit, join, leave, requests and the admin's decisions (SPEC 2.2). */
import { LIMITS, normalizeUserName, sanitizeText } from "../../shared/protocol.ts";
import type { JoinRequest, RoomInfo } from "../../shared/protocol.ts";
import { userName } from "./accounts.ts";
import { ChatError } from "../../shared/errors.ts";
import { commitEvents, roomStream, userStream } from "./record.ts";
import type { NewEvent } from "./record.ts";
import { joinMark } from "./reads.ts";
import { adminRoom, isHiddenFrom, noSuchRoom, roomName, seeRoom, shutDown } from "./room-access.ts";
import { listRooms } from "./room-list.ts";
import type { RoomsPage, RoomsReply } from "./room-list.ts";
import { DEFAULT_ROOM_QUOTAS, quotaLock, RoomQuota } from "./room-quota.ts";
import { DEFAULT_REPLY_BOUNDS } from "./bounds.ts";
import type { ReplyBounds } from "./bounds.ts";
import type { KeyedQueue } from "./serial.ts";
import { roomLock, userLock } from "./serial.ts";
import { roomInfo, toRecord } from "./state.ts";
import type { RoomState } from "./state.ts";
import type { RoomRecord, StoreOp } from "../store/store.ts";
import type { Deps } from "./deps.ts";

/** Settings given to `create` and `edit`. */
export interface RoomSettings {
  open?: boolean;
  visible?: boolean;
  topic?: string;
}

function cleanTopic(topic: string): string {
  const clean = sanitizeText(topic).replace(/\s+/g, " ").trim();
  if (clean.length > LIMITS.topicMax) {
    throw new ChatError("bad_request", `topic is longer than ${LIMITS.topicMax} characters`);
  }
  return clean;
}

/** Rooms: settings, membership, join requests and the admin's actions (SPEC 2.2). */
export class Rooms {
  #d: Deps;
  #queue: KeyedQueue;
  #quota: RoomQuota;
  #bounds: ReplyBounds;

  /**
   * Rooms over the shared state; `queue` orders changes;
   * `quotas` bound what one user holds and `bounds` what one reply lists.
   */
  constructor(
    deps: Deps,
    queue: KeyedQueue,
    quotas = DEFAULT_ROOM_QUOTAS,
    bounds = DEFAULT_REPLY_BOUNDS,
  ) {
    this.#d = deps;
    this.#queue = queue;
    this.#quota = new RoomQuota(deps, quotas);
    this.#bounds = bounds;
  }

  /** A new room was stored: it counts for its creator's rooms created today. */
  created(room: RoomRecord): void {
    this.#quota.created(room.admin, room.created);
  }

  /** One page of the visible rooms plus the caller's own rooms and requests, none shut down. */
  list(user: string, page: RoomsPage = {}): RoomsReply {
    return listRooms(this.#d.state, user, page, this.#bounds.roomsPage);
  }

  /** Create a room with the caller as admin and first member. */
  create(user: string, raw: string, s: RoomSettings): Promise<RoomInfo> {
    const name = roomName(raw);
    const topic = s.topic === undefined ? "" : cleanTopic(s.topic);
    return this.#queue.run([roomLock(name), quotaLock(user)], async () => {
      if (this.#d.state.rooms.has(name)) {
        throw new ChatError("conflict", `room name '${name}' is taken`);
      }
      this.#quota.checkCreate(user);
      const room: RoomState = {
        name,
        admin: user,
        open: s.open ?? true,
        visible: s.visible ?? true,
        topic,
        members: new Set([user]),
        pending: new Set(),
        shutDown: false,
        created: new Date(this.#d.clock.now()).toISOString(),
        banned: new Set(),
        invited: new Set(),
      };
      // Durable first, then visible. Only a new room is stored whole (one member, no requests);
      // membership and requests are one-user ops and settings a `room_set` op, so no line
      // grows with the room.
      await this.#d.changes.append([{ op: "room", room: toRecord(room), create: true }]);
      this.#d.log.info("room_create", { room: name, user });
      return roomInfo(this.#d.state.rooms.get(name) ?? room, user);
    });
  }

  /** Change open/closed, visible/hidden and topic; members are told. */
  edit(user: string, raw: string, s: RoomSettings): Promise<RoomInfo> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "edit it");
      const open = s.open ?? room.open;
      const visible = s.visible ?? room.visible;
      const topic = s.topic === undefined ? room.topic : cleanTopic(s.topic);
      // Told to every member and kept among the room's events, as a message is: one message.
      this.#d.limits.message(user);
      const info = { ...roomInfo(room, null), open, visible, topic };
      await commitEvents(
        this.#d,
        [{ op: "room_set", room: name, open, visible, topic, shutDown: false }],
        [{ stream: roomStream(name), event: { type: "room_update", room: info } }],
      );
      return roomInfo(room, user);
    });
  }

  /** Archive a room: members are told and unsubscribed; the name stays taken. */
  shutdown(user: string, raw: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "shut it down");
      const { open, visible, topic: about } = room;
      // Its members hear it, then nothing more of the room reaches them.
      await commitEvents(
        this.#d,
        [{ op: "room_set", room: name, open, visible, topic: about, shutDown: true }],
        [{ stream: roomStream(name), event: { type: "room_shutdown", room: name } }],
      );
      this.#d.log.info("room_shutdown", { room: name, user });
    });
  }

  /** Join an open room, or file a request for a closed one (admins are told at once). */
  join(user: string, raw: string): Promise<"joined" | "pending" | "already"> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name), quotaLock(user)], async () => {
      const old = this.#d.state.rooms.get(name);
      // A shut-down hidden room is, to a non-member, exactly a room that does not exist.
      if (!old || (old.shutDown && isHiddenFrom(old, user))) throw noSuchRoom(name);
      if (old.shutDown) throw shutDown(name);
      // Idempotent: a retried join, or one from another device, is no error.
      if (old.members.has(user)) return "already";
      if (old.pending.has(user)) {
        throw new ChatError("conflict", `your request to join '${name}' is already pending`);
      }
      if (old.banned.has(user)) throw new ChatError("forbidden", `you are banned from '${name}'`);
      this.#quota.checkJoined(user);
      // An invite lets its user into a closed or hidden room at once.
      if (old.open || old.admin === user || old.invited.has(user)) {
        // It tells every member and takes a place among the room's kept events, as a message
        // does: one message of the rate limit (a join and leave loop from anyone, member or
        // not, would otherwise push the room's messages out of its members' catch-up).
        this.#d.limits.message(user);
        await this.#addMember(old, user);
        return "joined";
      }
      // It tells the admin, as a DM would: one message of the rate limit (a join and leave loop
      // would otherwise put a request in front of the admin at the full request rate).
      this.#d.limits.message(user);
      // To the admin of the moment: a later admin reads requests with `requests`.
      await commitEvents(
        this.#d,
        [pendingOp(name, user, true)],
        [{ stream: userStream(old.admin), event: { type: "join_request", room: name, user } }],
      );
      return "pending";
    });
  }

  /** Leave a room, or withdraw a pending request. The admin stays while others remain. */
  leave(user: string, raw: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const found = this.#d.state.rooms.get(name);
      if (found && !found.shutDown && found.pending.has(user)) {
        await this.#d.changes.append([pendingOp(name, user, false)]);
        return;
      }
      const room = seeRoom(this.#d.state, name, user);
      if (room.shutDown) throw shutDown(name);
      if (!room.members.has(user)) {
        throw new ChatError("forbidden", `you are not a member of '${name}'`);
      }
      if (room.admin === user && room.members.size > 1) {
        throw new ChatError("forbidden", `the admin cannot leave '${name}' while others remain`);
      }
      // Told to every member and kept for their catch-up, as a join is: one message too.
      this.#d.limits.message(user);
      await this.#removeMember(room, user, "left");
    });
  }

  /**
   * Pending requests in the rooms the caller administers (or in one of them), oldest first
   * per room, at most `requestsPage` of the bounds; `more` when there are others (they come as
   * these are decided).
   */
  requests(user: string, raw?: string): { requests: JoinRequest[]; more?: true } {
    const state = this.#d.state;
    const rooms =
      raw === undefined
        ? [...state.adminRoomsOf(user)].sort().map((name) => state.rooms.get(name)!)
        : [adminRoom(state, raw, user, "see its requests")];
    const out: JoinRequest[] = [];
    for (const r of rooms) {
      for (const u of r.pending) {
        if (out.length === this.#bounds.requestsPage) return { requests: out, more: true };
        out.push({ room: r.name, user: u });
      }
    }
    return { requests: out };
  }

  /** Approve or deny a pending request; the requester is told live or on next connect. */
  decide(user: string, raw: string, rawTarget: string, isApproved: boolean): Promise<void> {
    const name = roomName(raw);
    const targetLock = userLock(normalizeUserName(rawTarget) ?? "");
    return this.#queue.run(
      [roomLock(name), targetLock],
      async () => {
        const room = adminRoom(this.#d.state, name, user, isApproved ? "approve" : "deny");
        const target = userName(rawTarget);
        if (!room.pending.has(target)) {
          throw new ChatError("not_found", `no pending request from '${target}' in '${name}'`);
        }
        const decision = { type: "join_decision", room: name, approved: isApproved } as const;
        // A new member has read what was said before they joined.
        const read = isApproved ? joinMark(this.#d.state, name, target) : null;
        // The requester hears it live, or later through the log (`since`, `sync`): once.
        await commitEvents(
          this.#d,
          [
            pendingOp(name, target, false),
            ...(isApproved ? [memberOp(name, target, true)] : []),
            ...(read ? [read.op] : []),
          ],
          [
            ...(isApproved ? [joinedEvent(name, target)] : []),
            { stream: userStream(target), event: decision },
          ],
        );
      },
      [quotaLock(normalizeUserName(rawTarget) ?? "")],
    );
  }

  /** Remove a member; delivery to them stops at once. */
  kick(user: string, raw: string, rawTarget: string): Promise<void> {
    const name = roomName(raw);
    return this.#queue.run([roomLock(name)], async () => {
      const room = adminRoom(this.#d.state, name, user, "kick");
      const target = userName(rawTarget);
      if (target === user) throw new ChatError("bad_request", "the admin cannot kick themselves");
      if (!room.members.has(target)) {
        throw new ChatError("not_found", `'${target}' is not a member of '${name}'`);
      }
      await this.#removeMember(room, target, "kicked");
    });
  }

  async #addMember(room: RoomState, user: string): Promise<void> {
    // A new member has read what was said before they joined.
    const read = joinMark(this.#d.state, room.name, user);
    const ops = [memberOp(room.name, user, true), ...(read ? [read.op] : [])];
    // Subscribed before the event is published, so that the user's connections see it too.
    await commitEvents(this.#d, ops, [joinedEvent(room.name, user)]);
  }

  async #removeMember(room: RoomState, user: string, event: "left" | "kicked"): Promise<void> {
    const member = { type: "member", room: room.name, user, event };
    // Published before unsubscribing so that the user's other connections see it too.
    await commitEvents(
      this.#d,
      [memberOp(room.name, user, false)],
      [{ stream: roomStream(room.name), event: member }],
    );
  }
}

/** The event of `user` joining `room`. */
function joinedEvent(room: string, user: string): NewEvent {
  return { stream: roomStream(room), event: { type: "member", room, user, event: "joined" } };
}

/** The store op making `user` a member of `room`, or not. */
function memberOp(room: string, user: string, present: boolean): StoreOp {
  return { op: "member", room, user, present };
}

/** The store op giving `user` a pending request in `room`, or dropping it. */
function pendingOp(room: string, user: string, present: boolean): StoreOp {
  return { op: "pending", room, user, present };
}
