/**
 * What the chat has shown: the ids of shown messages (to drop duplicates: a reply and its
 * event, a live event racing a catch-up) and the last message seen per room and per DM
 * peer, from which a reconnect catches up with `history after`, with no gaps.
 */
import type {
  ChatMessage,
  ClientMessage,
  DirectMessage,
  ServerMessage,
} from "../../shared/protocol.ts";

// Ids of shown messages remembered to drop duplicates.
const SEEN_MAX = 10_000;
/** Messages fetched per history request while catching up. */
const CATCH_UP_PAGE = 200;

/** Where each room and DM conversation stood. */
export interface Cursors {
  rooms: Map<string, string>;
  dms: Map<string, string>;
}

/** Sends a request and resolves with the reply. */
export type Request = (msg: ClientMessage) => Promise<ServerMessage>;

/** Shown ids and catch-up cursors. */
export class Timeline {
  #seen = new Set<string>();
  #rooms = new Map<string, string>();
  #dms = new Map<string, string>();
  /** Rooms whose starting point is known (even if they had no message then). */
  #known = new Set<string>();
  #dropped: Cursors | null = null;

  /** True the first time an id is offered: show it then, never again. */
  isNew(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_MAX) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }

  /** A room message arrived (live or from history). */
  noteRoom(message: ChatMessage): void {
    this.#rooms.set(message.room, message.id);
    this.#known.add(message.room);
  }

  /**
   * True when the room was followed before: its messages after the cursor (all of them,
   * when it had none) are news. A room joined elsewhere while away is not: its stored
   * history is old, not missed.
   */
  isKnown(room: string): boolean {
    return this.#known.has(room);
  }

  /** A DM with `peer` arrived. */
  noteDm(peer: string, message: DirectMessage): void {
    this.#dms.set(peer, message.id);
  }

  /** The connection dropped: remember where everything stood. */
  markDropped(): void {
    this.#dropped = { rooms: new Map(this.#rooms), dms: new Map(this.#dms) };
  }

  /**
   * The cursors to catch up from: those of the drop, so that messages arriving live
   * while catching up cannot move the catch-up past ones still missing.
   */
  takeCursors(): Cursors {
    const cursors = this.#dropped ?? { rooms: new Map(this.#rooms), dms: new Map(this.#dms) };
    this.#dropped = null;
    return cursors;
  }

  /** Remember the newest message of a room not seen yet (at start). */
  async baseline(request: Request, room: string): Promise<void> {
    try {
      const reply = await request({ type: "history", room, limit: 1 });
      if (reply.type !== "history") return;
      const last = reply.messages[reply.messages.length - 1];
      if (last && !this.#rooms.has(room)) this.#rooms.set(room, last.id);
      this.#known.add(room);
    } catch {
      // Without a baseline a room is caught up from its stored history after a reconnect.
    }
  }
}

/** Fetch a room's messages after `from` (all stored ones without it), page by page. */
export async function fetchRoomAfter(
  request: Request,
  room: string,
  from: string | undefined,
  show: (message: ChatMessage) => void,
): Promise<void> {
  let after = from;
  for (;;) {
    const msg: ClientMessage = after
      ? { type: "history", room, after, limit: CATCH_UP_PAGE }
      : { type: "history", room, limit: CATCH_UP_PAGE };
    const reply = await request(msg);
    if (reply.type !== "history") return;
    const fresh = reply.messages.filter((m): m is ChatMessage => "room" in m);
    for (const m of fresh) show(m);
    const last = fresh[fresh.length - 1];
    if (!after || !last || !hasMore(reply, fresh.length)) return;
    after = last.id;
  }
}

// A server bounds a page in bytes too and says `more`; an older one only fills `limit`.
function hasMore(reply: { more?: boolean }, count: number): boolean {
  return reply.more ?? count >= CATCH_UP_PAGE;
}

/** Fetch the DMs with `peer` after `after`. */
export async function fetchDmsAfter(
  request: Request,
  peer: string,
  after: string,
  show: (message: DirectMessage) => void,
): Promise<void> {
  let from = after;
  for (;;) {
    const reply = await request({ type: "history", user: peer, after: from, limit: CATCH_UP_PAGE });
    if (reply.type !== "history") return;
    const fresh = reply.messages.filter((m): m is DirectMessage => !("room" in m));
    for (const m of fresh) show(m);
    const last = fresh[fresh.length - 1];
    if (!last || !hasMore(reply, fresh.length)) return;
    from = last.id;
  }
}
