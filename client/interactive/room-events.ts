/**
 * Notices about people and rooms: join requests and decisions, members coming and going,
 * room settings and shutdowns, shown as `-- ...` lines; the session's room list is kept in
 * step. Presence is quiet: it is kept (for `/who`, greyed names and a DM view's status
 * line), never printed into the timeline, so a server restart or an idle room prints nothing.
 */
import type { RoomInfo } from "../../shared/protocol.ts";
import type { Colors } from "../render.ts";
import { describeRoom, type Shown, showNotice } from "./display.ts";
import type { Presence } from "./view-status.ts";
import { presenceChanges } from "../presence-users.ts";

/** What the notices need of the session. */
export interface RoomEventTarget {
  readonly me: string;
  /** The current room. */
  readonly room?: string | null;
  readonly rooms: Map<string, RoomInfo>;
  readonly users: Set<string>;
  readonly opts: { colors: Colors };
  print(shown: Shown): void;
  refreshRooms(): Promise<void>;
  /** Start following a room the user just became a member of. */
  watchRoom(room: string): Promise<void>;
  /** The user is no longer in the room. */
  leftRoom(room: string): void;
  /** Someone's presence changed (the status line may show it). */
  presenceChanged?(user: string): void;
}

/** Shows room and presence events for one session. */
export class RoomEvents {
  #s: RoomEventTarget;
  #presence = new Map<string, Presence>();

  constructor(target: RoomEventTarget) {
    this.#s = target;
  }

  /** Show the event if it is one of these; false for other event types. */
  handle(type: string, e: Record<string, unknown>): boolean {
    switch (type) {
      case "presence":
        // One event lists the users of a room that changed in a short window.
        for (const p of presenceChanges(e)) this.#presenceChanged(p.user, p.status, p.away);
        return true;
      case "join_request": {
        const [room, user] = [String(e.room), String(e.user)];
        const text = `${user} asks to join #${room}: /approve ${room} ${user} or /deny ${room} ${user}`;
        this.#s.print(showNotice(text, this.#s.opts.colors, true));
        return true;
      }
      case "join_decision":
        void this.#decided(String(e.room), e.approved === true);
        return true;
      case "member":
        this.#member(String(e.room), String(e.user), String(e.event));
        return true;
      case "room_update":
        // The wire is not trusted: a malformed room must not throw out of the event handler.
        if (isRoomInfo(e.room)) this.#updated(e.room);
        return true;
      case "synced":
        this.#gaps(e.truncated);
        return true;
      case "room_shutdown":
        this.#s.print(showNotice(`#${e.room} was shut down`, this.#s.opts.colors, true));
        this.#s.leftRoom(String(e.room));
        this.#s.rooms.delete(String(e.room));
        return true;
      default:
        return false;
    }
  }

  // A catch-up from further back than the server keeps: the gap is said, once per stream.
  #gaps(truncated: unknown): void {
    if (!Array.isArray(truncated)) return;
    for (const t of truncated as Record<string, unknown>[]) {
      const where =
        typeof t?.room === "string"
          ? `#${t.room}`
          : typeof t?.user === "string"
            ? `@${t.user}`
            : "your events";
      const text = `missed more than the server keeps: ${Number(t.dropped) || "some"} in ${where}`;
      this.#s.print(showNotice(text, this.#s.opts.colors));
    }
  }

  /** How `user` is, as the last presence event told (null: not told yet). */
  presenceOf(user: string): Presence | null {
    return this.#presence.get(user) ?? null;
  }

  // Kept, not printed: 35 of 116 lines of an hour's chat were idle and online changes.
  #presenceChanged(user: string, status: string, away: unknown): void {
    if (user === this.#s.me) return;
    const next: Presence = typeof away === "string" && away ? { status, away } : { status };
    const known = this.#presence.get(user);
    if (known?.status === next.status && known?.away === next.away) return;
    this.#presence.set(user, next);
    this.#s.users.add(user);
    this.#s.presenceChanged?.(user);
  }

  async #decided(room: string, isApproved: boolean): Promise<void> {
    const c = this.#s.opts.colors;
    if (!isApproved) {
      this.#s.print(showNotice(`your request to join #${room} was denied`, c, true));
      return;
    }
    const where = this.#s.room === room ? "" : `: /join ${room} to go there`;
    const text = `you are now a member of #${room}${where}`;
    this.#s.print(showNotice(text, c, true));
    await this.#s.refreshRooms().catch(() => {
      // The list is refreshed again on the next join or reconnect.
    });
    await this.#s.watchRoom(room);
  }

  #member(room: string, user: string, event: string): void {
    this.#s.users.add(user);
    const isMe = user === this.#s.me;
    const removed = isMe ? "were removed from" : "was removed from";
    const banned = isMe ? "were banned from" : "was banned from";
    const verbs: Record<string, string> = { kicked: removed, banned, left: "left" };
    const verb = verbs[event] ?? "joined";
    // The user's own joining is told by the join itself or by the admin's decision.
    if (!(isMe && event === "joined")) {
      this.#s.print(showNotice(`${isMe ? "you" : user} ${verb} #${room}`, this.#s.opts.colors));
    }
    if (isMe && event !== "joined") this.#s.leftRoom(room);
    if (isMe && event === "joined") void this.#joinedElsewhere(room);
    const info = this.#s.rooms.get(room);
    if (info && !isMe) info.members += event === "joined" ? 1 : -1;
  }

  // Joined from another connection of the user's (or by the join just made here).
  async #joinedElsewhere(room: string): Promise<void> {
    await this.#s.refreshRooms().catch(() => {
      // The list is refreshed again on the next join or reconnect.
    });
    await this.#s.watchRoom(room);
  }

  #updated(room: RoomInfo): void {
    const known = this.#s.rooms.get(room.name);
    this.#s.rooms.set(room.name, { ...room, role: known?.role ?? room.role });
    this.#s.print(showNotice(`room settings: ${describeRoom(room)}`, this.#s.opts.colors));
  }
}

function isRoomInfo(value: unknown): value is RoomInfo {
  const r = value as Partial<RoomInfo> | null;
  return (
    typeof r === "object" && r !== null && typeof r.name === "string" && typeof r.topic === "string"
  );
}
