import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { JoinRequest, RoomInfo } from "../../shared/protocol.ts";
import { userName } from "./accounts.ts";
import { ChatError } from "./errors.ts";
import { adminRoom, roomName, seeRoom, shutDown } from "./room-access.ts";
import { copyUser, roomInfo, toRecord } from "./state.ts";
import type { RoomState } from "./state.ts";
import type { Typing } from "./typing.ts";
import { roomTopic, userTopic } from "./types.ts";
import type { Deps } from "./types.ts";

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
  #typing: Typing;

  /** Rooms over the shared state; `typing` is cleared when members leave. */
  constructor(deps: Deps, typing: Typing) {
    this.#d = deps;
    this.#typing = typing;
  }

  /** Visible rooms plus the caller's own rooms and requests, none shut down. */
  list(user: string): RoomInfo[] {
    const out: RoomInfo[] = [];
    for (const room of this.#d.state.rooms.values()) {
      if (room.shutDown) continue;
      if (room.visible || room.members.has(user) || room.pending.has(user)) {
        out.push(roomInfo(room, user));
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Create a room with the caller as admin and first member. */
  async create(user: string, raw: string, s: RoomSettings): Promise<RoomInfo> {
    const name = roomName(raw);
    if (this.#d.state.rooms.has(name))
      throw new ChatError("conflict", `room name '${name}' is taken`);
    const room: RoomState = {
      name,
      admin: user,
      open: s.open ?? true,
      visible: s.visible ?? true,
      topic: s.topic === undefined ? "" : cleanTopic(s.topic),
      members: new Set([user]),
      pending: new Set(),
      shutDown: false,
      created: new Date(this.#d.clock.now()).toISOString(),
    };
    this.#d.state.addRoom(room);
    await this.#commit(room);
    this.#d.conns.subscribeUser(user, roomTopic(name));
    this.#d.log.info("room_create", { room: name, user });
    return roomInfo(room, user);
  }

  /** Change open/closed, visible/hidden and topic; members are told. */
  async edit(user: string, raw: string, s: RoomSettings): Promise<RoomInfo> {
    const room = adminRoom(this.#d.state, raw, user, "edit it");
    const topic = s.topic === undefined ? room.topic : cleanTopic(s.topic);
    room.open = s.open ?? room.open;
    room.visible = s.visible ?? room.visible;
    room.topic = topic;
    await this.#commit(room);
    this.#d.publisher.publish(roomTopic(room.name), {
      type: "room_update",
      room: roomInfo(room, null),
    });
    return roomInfo(room, user);
  }

  /** Archive a room: members are told and unsubscribed; the name stays taken. */
  async shutdown(user: string, raw: string): Promise<void> {
    const room = adminRoom(this.#d.state, raw, user, "shut it down");
    room.shutDown = true;
    room.pending.clear();
    for (const m of room.members) {
      this.#d.state.indexMember(m, room.name, false);
      this.#typing.clear(room.name, m);
    }
    await this.#commit(room);
    const topic = roomTopic(room.name);
    this.#d.publisher.publish(topic, { type: "room_shutdown", room: room.name });
    for (const m of room.members) this.#d.conns.unsubscribeUser(m, topic);
    this.#d.log.info("room_shutdown", { room: room.name, user });
  }

  /** Join an open room, or file a request for a closed one (admins are told at once). */
  async join(user: string, raw: string): Promise<"joined" | "pending"> {
    const name = roomName(raw);
    const room = this.#d.state.rooms.get(name);
    if (!room) throw new ChatError("not_found", `no such room '${name}'`);
    if (room.shutDown) throw shutDown(name);
    if (room.members.has(user))
      throw new ChatError("conflict", `you are already a member of '${name}'`);
    if (room.pending.has(user)) {
      throw new ChatError("conflict", `your request to join '${name}' is already pending`);
    }
    if (!room.open && room.admin !== user) {
      room.pending.add(user);
      await this.#commit(room);
      this.#d.publisher.publish(userTopic(room.admin), { type: "join_request", room: name, user });
      return "pending";
    }
    await this.#addMember(room, user);
    return "joined";
  }

  /** Leave a room, or withdraw a pending request. The admin stays while others remain. */
  async leave(user: string, raw: string): Promise<void> {
    const found = this.#d.state.rooms.get(roomName(raw));
    if (found && !found.shutDown && found.pending.delete(user)) return this.#commit(found);
    const room = seeRoom(this.#d.state, raw, user);
    if (room.shutDown) throw shutDown(room.name);
    if (!room.members.has(user)) {
      throw new ChatError("forbidden", `you are not a member of '${room.name}'`);
    }
    if (room.admin === user && room.members.size > 1) {
      throw new ChatError("forbidden", `the admin cannot leave '${room.name}' while others remain`);
    }
    await this.#removeMember(room, user, "left");
  }

  /** Pending requests in the rooms the caller administers (or in one of them). */
  requests(user: string, raw?: string): JoinRequest[] {
    const rooms =
      raw === undefined
        ? [...this.#d.state.rooms.values()].filter((r) => r.admin === user && !r.shutDown)
        : [adminRoom(this.#d.state, raw, user, "see its requests")];
    return rooms.flatMap((r) => [...r.pending].map((u) => ({ room: r.name, user: u })));
  }

  /** Approve or deny a pending request; the requester is told live or on next connect. */
  async decide(user: string, raw: string, rawTarget: string, isApproved: boolean): Promise<void> {
    const room = adminRoom(this.#d.state, raw, user, isApproved ? "approve" : "deny");
    const target = userName(rawTarget);
    if (!room.pending.delete(target)) {
      throw new ChatError("not_found", `no pending request from '${target}' in '${room.name}'`);
    }
    if (isApproved) await this.#addMember(room, target);
    else await this.#commit(room);
    const decision = { type: "join_decision", room: room.name, approved: isApproved } as const;
    this.#d.publisher.publish(userTopic(target), decision);
    const record = this.#d.state.users.get(target);
    if (record && !this.#d.conns.hasLive(target)) {
      record.notices.push(decision);
      await this.#d.store.commit([{ op: "user", user: copyUser(record) }]);
    }
  }

  /** Remove a member; delivery to them stops at once. */
  async kick(user: string, raw: string, rawTarget: string): Promise<void> {
    const room = adminRoom(this.#d.state, raw, user, "kick");
    const target = userName(rawTarget);
    if (target === user) throw new ChatError("bad_request", "the admin cannot kick themselves");
    if (!room.members.has(target)) {
      throw new ChatError("not_found", `'${target}' is not a member of '${room.name}'`);
    }
    await this.#removeMember(room, target, "kicked");
  }

  async #addMember(room: RoomState, user: string): Promise<void> {
    room.members.add(user);
    this.#d.state.indexMember(user, room.name, true);
    await this.#commit(room);
    const topic = roomTopic(room.name);
    this.#d.conns.subscribeUser(user, topic);
    this.#d.publisher.publish(topic, { type: "member", room: room.name, user, event: "joined" });
  }

  async #removeMember(room: RoomState, user: string, event: "left" | "kicked"): Promise<void> {
    room.members.delete(user);
    this.#d.state.indexMember(user, room.name, false);
    this.#typing.clear(room.name, user);
    await this.#commit(room);
    const topic = roomTopic(room.name);
    // Published before unsubscribing so that the user's other connections see it too.
    this.#d.publisher.publish(topic, { type: "member", room: room.name, user, event });
    this.#d.conns.unsubscribeUser(user, topic);
  }

  #commit(room: RoomState): Promise<void> {
    return this.#d.store.commit([{ op: "room", room: toRecord(room) }]);
  }
}
