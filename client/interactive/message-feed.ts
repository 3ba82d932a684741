/**
 * The messages of the chat: each shown once whether it comes live, as a reply, in recent
 * history or in the catch-up after a reconnect (history `after` the last message seen per
 * room and per DM peer).
 */
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import { dayOf, type Shown, showDay, showDm, showMessage, type Viewpoint } from "./display.ts";
import { type Cursors, fetchDmsAfter, fetchRoomAfter, type Request, Timeline } from "./timeline.ts";

/** Where the feed shows messages, and what it tells about the people in them. */
export interface FeedView {
  /** The user, the current room and the colours, as they are when a message is shown. */
  viewpoint(): Viewpoint;
  print(shown: Shown): void;
  /** Someone the user shares a room or a conversation with (for completion). */
  met(user: string): void;
  /** A message from `user` in `room` arrived: they are no longer typing there. */
  spoke(room: string, user: string): void;
  /** A new message arrived: true to show it now (it is in the current view). */
  arrived?(msg: ChatMessage | DirectMessage): boolean;
}

/** Shows messages once each, and catches up with what was missed. */
export class MessageFeed {
  readonly #timeline = new Timeline();
  readonly #view: FeedView;
  readonly #request: Request;
  /** The day of the last message shown. */
  #lastDay: string | null = null;

  constructor(view: FeedView, request: Request) {
    this.#view = view;
    this.#request = request;
  }

  /** A room message, live or as the reply to a send. */
  room(msg: ChatMessage): void {
    this.#view.met(msg.from);
    this.#view.spoke(msg.room, msg.from);
    this.#timeline.noteRoom(msg);
    if (!this.#timeline.isNew(msg.id)) return;
    if (this.#view.arrived?.(msg) === false) return;
    this.#print(msg.ts, (view) => showMessage(msg, view));
  }

  /** A direct message, sent or received. */
  dm(msg: DirectMessage): void {
    const peer = msg.from === this.#view.viewpoint().me ? msg.to : msg.from;
    this.#view.met(peer);
    this.#timeline.noteDm(peer, msg);
    if (!this.#timeline.isNew(msg.id)) return;
    if (this.#view.arrived?.(msg) === false) return;
    this.#print(msg.ts, (view) => showDm(msg, view));
  }

  /**
   * Stored messages. Quiet ones (recent history on entering a room) are shown even when
   * seen before, and ring no bell: they are context, not news.
   */
  history(messages: (ChatMessage | DirectMessage)[], isQuiet: boolean): void {
    for (const m of messages) {
      if (!isQuiet) {
        if ("room" in m) this.room(m);
        else this.dm(m);
        continue;
      }
      const me = this.#view.viewpoint().me;
      if ("room" in m) this.#timeline.noteRoom(m);
      else this.#timeline.noteDm(m.from === me ? m.to : m.from, m);
      this.#timeline.isNew(m.id);
      this.#view.met(m.from);
      this.#print(m.ts, (view) => {
        const shown = "room" in m ? showMessage(m, view) : showDm(m, view);
        return { ...shown, isBell: false };
      });
    }
  }

  // A message, after a day line when its day differs from the last one shown (or, for
  // the first one shown, from today): yesterday's backlog never looks like today's.
  #print(ts: string, show: (view: Viewpoint) => Shown): void {
    const view = this.#view.viewpoint();
    const day = dayOf(ts);
    if (day !== null && day !== this.#lastDay) {
      const isToday = day === dayOf(view.now ?? Date.now());
      if (this.#lastDay !== null || !isToday) this.#view.print(showDay(ts, view));
      this.#lastDay = day;
    }
    this.#view.print(show(view));
  }

  /** Start following a room: remember its newest message, so a catch-up starts there. */
  baseline(room: string): Promise<void> {
    return this.#timeline.baseline(this.#request, room);
  }

  /** The connection dropped: remember where everything stood. */
  markDropped(): void {
    this.#timeline.markDropped();
  }

  /** Where to catch up from; taken once, when the connection is back. */
  takeCursors(): Cursors {
    return this.#timeline.takeCursors();
  }

  /** Show what was missed since `cursors` in the member `rooms` and the DM conversations. */
  async catchUp(cursors: Cursors, rooms: Iterable<string>): Promise<void> {
    const request = this.#request;
    for (const room of rooms) {
      if (!this.#timeline.isKnown(room)) {
        await this.#timeline.baseline(request, room);
        continue;
      }
      await fetchRoomAfter(request, room, cursors.rooms.get(room), (m) => this.room(m));
    }
    for (const [peer, after] of cursors.dms) {
      await fetchDmsAfter(request, peer, after, (m) => this.dm(m));
    }
  }
}
