/**
 * Switching between views and keeping their counts: a message shows when it belongs to the
 * current view (or is the user's own) and is counted in its view otherwise; entering a view
 * shows its recent messages with a `--- new since you left ---` line before the unread ones
 * and moves the server's read marker, so every device of the user agrees on the counts (a
 * `read` event from another device clears them here).
 */
import {
  type ChatMessage,
  type ClientMessage,
  type DirectMessage,
  type RoomInfo,
  type ServerMessage,
  sanitizeText,
} from "../../shared/protocol.ts";
import type { Colors } from "../render.ts";
import { mentions, type Shown, showDm, showMessage } from "./display.ts";
import { MentionList } from "./mention-list.ts";
import type { ColorDepth } from "./name-color.ts";
import { type Presence, statusLine } from "./view-status.ts";
import { type View, type ViewId, viewLabel, Views } from "./views.ts";

/** Most stored messages shown on entering a view. */
const ENTER_MAX = 200;
/** Read markers move at most this often per view while messages arrive in it (ms). */
const READ_DELAY_MS = 400;
/** Conversations asked for at start and when counts may have moved elsewhere. */
const CONVERSATIONS_PAGE = 50;

/** What switching views needs of the session. */
export interface ViewTarget {
  readonly me: string;
  readonly opts: { colors: Colors; recentCount?: number; depth?: ColorDepth };
  request(msg: ClientMessage): Promise<ServerMessage>;
  print(shown: Shown | string): void;
  /** Show stored messages as context (seen before or not). */
  showHistory(messages: (ChatMessage | DirectMessage)[]): void;
  /** The current view or a count changed: prompt and status line. */
  viewChanged(): void;
  /** Ring the terminal bell (a mention or a DM elsewhere). */
  ring(): void;
  isOnline(): boolean;
}

/** The id of the view a message belongs to. */
export function viewOf(msg: ChatMessage | DirectMessage, me: string): ViewId {
  if ("room" in msg) return { kind: "room", name: msg.room };
  return { kind: "dm", name: msg.from === me ? msg.to : msg.from };
}

/** Views, counts, read markers and `/mentions`. */
export class ViewSwitch {
  readonly views = new Views();
  readonly mentions = new MentionList();
  /** Who sent the last DM received (`/r` answers them). */
  lastDmFrom: string | null = null;
  #t: ViewTarget;
  /** Where each view's read marker stands, as far as this device knows. */
  #readUpTo = new Map<string, string>();
  #pending = new Map<string, { id: ViewId; upTo: string }>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(target: ViewTarget) {
    this.#t = target;
  }

  /** Views for the rooms the user is in, with the server's counts (rooms left are closed). */
  syncRooms(rooms: Iterable<RoomInfo>): void {
    const member = new Set<string>();
    for (const r of rooms) {
      if (r.role !== "admin" && r.role !== "member") continue;
      member.add(r.name);
      this.views.open({ kind: "room", name: r.name });
      if (typeof r.unread === "number") {
        this.views.setCounts({ kind: "room", name: r.name }, r.unread, r.mentions ?? 0);
      }
    }
    for (const v of [...this.views.all]) {
      if (v.kind === "room" && !member.has(v.name)) this.views.close(v);
    }
    this.#t.viewChanged();
  }

  /** Views for the conversations with unread messages, with the server's counts. */
  async syncConversations(): Promise<void> {
    try {
      const reply = await this.#t.request({ type: "conversations", limit: CONVERSATIONS_PAGE });
      if (reply.type !== "conversations") return;
      for (const c of reply.conversations) {
        const id: ViewId = { kind: "dm", name: c.user };
        if (c.unread > 0) this.views.open(id);
        this.views.setCounts(id, c.unread, c.mentions);
      }
      this.#t.viewChanged();
    } catch {
      // An older server has no conversations: DM views open as DMs arrive.
    }
  }

  /**
   * A message arrived (live, as a reply, or caught up): true when it is to be shown now.
   * Shown: what belongs to the current view, the user's own messages, and DMs (meant for
   * the user: they show wherever the user is, and stay counted in their view until it is
   * read). Anything else is counted in its view. Writing in a view reads it.
   */
  arrived(msg: ChatMessage | DirectMessage): boolean {
    const me = this.#t.me;
    const id = viewOf(msg, me);
    const isOthers = msg.from !== me;
    const isDm = id.kind === "dm";
    const isMention = isOthers && !isDm && msg.deleted !== true && mentions(msg.text, me);
    if (isMention && "room" in msg) this.mentions.add(msg);
    if (isDm && isOthers) this.lastDmFrom = id.name;
    const current = this.views.current;
    const isCounted = this.views.arrived(id, msg.id, isOthers, isMention);
    const isHere = current !== null && current.kind === id.kind && current.name === id.name;
    if (isHere || !isOthers) {
      this.views.clear(id);
      // One's own message reads the view at once (it is one request per message sent).
      this.#scheduleRead(id, msg.id, !isOthers);
      if (!isHere) this.#t.viewChanged();
      return true;
    }
    if (isCounted) {
      this.#t.viewChanged();
      if (isMention) this.#t.ring();
    }
    return current === null || isDm;
  }

  /** Make `id` the current view: show its recent messages and what is new, and mark it read. */
  async enter(id: ViewId): Promise<View> {
    const unread = this.views.find(id)?.unread ?? 0;
    const view = this.views.select(id);
    this.#t.viewChanged();
    const recent = this.#t.opts.recentCount ?? 20;
    const limit = Math.min(ENTER_MAX, recent + unread);
    const reply = await this.#t.request(
      id.kind === "room"
        ? { type: "history", room: id.name, limit }
        : { type: "history", user: id.name, limit },
    );
    if (reply.type !== "history") return view;
    const list = reply.messages;
    const cut = unreadStart(list, unread, this.#t.me);
    this.#t.showHistory(list.slice(0, cut));
    if (cut < list.length) {
      this.#t.print({ text: this.#t.opts.colors.dim("--- new since you left ---"), isBell: false });
    }
    this.#t.showHistory(list.slice(cut));
    const last = list[list.length - 1];
    if (last) {
      view.lastId = last.id;
      this.#scheduleRead(id, last.id, true);
    }
    return view;
  }

  /** The status line for a terminal `columns` wide. */
  header(columns: number, away: string | null, presenceOf: (user: string) => Presence | null) {
    const { all, current } = this.views;
    return statusLine({ views: all, current, away, presenceOf }, columns, this.#t.opts.colors);
  }

  /** A `read` event from the wire: the marker moved on some device of the user. */
  readEvent(e: Record<string, unknown>): void {
    const upTo = typeof e.upTo === "string" ? e.upTo : null;
    if (upTo === null) return;
    if (typeof e.room === "string") this.readMoved({ kind: "room", name: e.room }, upTo);
    else if (typeof e.user === "string") this.readMoved({ kind: "dm", name: e.user }, upTo);
  }

  /** A `message_update` or `dm_update` from the wire: shown again, marked, in its view. */
  updateEvent(e: Record<string, unknown>): void {
    const isMessage = ["id", "from", "text", "ts"].every((k) => typeof e[k] === "string");
    const isRoom = typeof e.room === "string";
    if (!isMessage || (!isRoom && typeof e.to !== "string")) return;
    const msg = e as unknown as ChatMessage | DirectMessage;
    if (!this.updated(msg)) return;
    const t = this.#t;
    const current = this.views.current;
    const room = current?.kind === "room" ? current.name : null;
    const view = { me: t.me, room, colors: t.opts.colors, depth: t.opts.depth };
    const shown = "room" in msg ? showMessage(msg, view) : showDm(msg, view);
    t.print({ ...shown, isBell: false });
  }

  /** The marker of `id` moved to `upTo` on some device of the user. */
  readMoved(id: ViewId, upTo: string): void {
    this.#readUpTo.set(viewLabel(id), upTo);
    const view = this.views.find(id);
    if (!view) return;
    if (view.lastId === null || view.lastId === upTo) {
      this.views.clear(id);
      this.#t.viewChanged();
      return;
    }
    // Read up to an earlier message: the server counts what is left.
    void this.recount(id.kind);
  }

  /** Ask the server for the counts of the rooms (or the conversations) again. */
  async recount(kind: "room" | "dm"): Promise<void> {
    if (kind === "dm") return this.syncConversations();
    try {
      const reply = await this.#t.request({ type: "rooms" });
      if (reply.type === "rooms") this.syncRooms(reply.rooms);
    } catch {
      // The counts are asked for again on the next read or reconnect.
    }
  }

  /** An edit or a deletion: true when it is to be shown (its message is in the current view). */
  updated(msg: ChatMessage | DirectMessage): boolean {
    if ("room" in msg) this.mentions.update(msg);
    const id = viewOf(msg, this.#t.me);
    const current = this.views.current;
    return current === null || (current.kind === id.kind && current.name === id.name);
  }

  /** Send the read markers that wait (the connection is back). */
  flushReads(): void {
    this.#timer = null;
    if (!this.#t.isOnline()) return;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { id, upTo } of pending) {
      const key = viewLabel(id);
      if (this.#readUpTo.get(key) === upTo) continue;
      this.#readUpTo.set(key, upTo);
      const msg: ClientMessage =
        id.kind === "room"
          ? { type: "read", room: id.name, upTo }
          : { type: "read", user: id.name, upTo };
      this.#t.request(msg).catch(() => {
        // A marker that did not move is moved by the next message read or view entered.
        this.#readUpTo.delete(key);
      });
    }
  }

  /** The chat ends: no marker is sent any more. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending.clear();
  }

  /** A one-line summary of the views with mentions, for `/mentions`. */
  mentionCounts(): string {
    const named = this.views.all.filter((v) => v.mentions > 0 || (v.kind === "dm" && v.unread));
    return named.map((v) => `${sanitizeText(viewLabel(v))} (${v.mentions || v.unread})`).join(", ");
  }

  #scheduleRead(id: ViewId, upTo: string, isNow = false): void {
    this.#pending.set(viewLabel(id), { id, upTo });
    if (isNow) {
      if (this.#timer) clearTimeout(this.#timer);
      this.flushReads();
      return;
    }
    this.#timer ??= setTimeout(() => this.flushReads(), READ_DELAY_MS);
  }
}

// The index of the first of the last `unread` messages written by others (list.length: none).
function unreadStart(list: (ChatMessage | DirectMessage)[], unread: number, me: string): number {
  if (unread <= 0) return list.length;
  let left = unread;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]?.from !== me) left -= 1;
    if (left === 0) return i;
  }
  return 0;
}
