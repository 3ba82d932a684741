/**
 * The interactive chat session: it owns the chat line, shows what arrives in the current
 * view (view-switch.ts counts the rest), sends what is typed to it, keeps the typing
 * indicator, the prompt and the status line up to date, and after a reconnect has the
 * message feed (message-feed.ts) catch up with what was missed. Its parts: the connection's
 * lifecycle (session-link.ts), event routing (session-events.ts) and the view wiring
 * (session-view.ts).
 */
import type { RoomInfo } from "../../shared/protocol.ts";
import type { ServerEvent } from "../connection.ts";
import type { ChatLine } from "./chat-line.ts";
import type { Dialogs } from "./dialogs.ts";
import { type Shown, showError, showNotice } from "./display.ts";
import { Outbox } from "./outbox.ts";
import type { SessionParts } from "./session-options.ts";
import { TypedInput } from "./typed-input.ts";
import { RoomEvents } from "./room-events.ts";
import { routeEvent, type EventRoutes } from "./session-events.ts";
import { SessionLink } from "./session-link.ts";
import {
  enterView,
  feedFor,
  leaveRoomView,
  memberRooms,
  openChatLine,
  promptFor,
  viewSwitchFor,
} from "./session-view.ts";
import { TypingNotifier } from "./typing.ts";
import { TypingBoard } from "./typing-board.ts";
import { type ViewId, viewLabel } from "./views.ts";
import type { ViewSwitch } from "./view-switch.ts";

export type { SessionConnection } from "./session-options.ts";

/** Everything a session is built from (defined here: its slash runner takes the session). */
export interface SessionOptions extends SessionParts {
  /** Runs a slash command (without its slash) through the shared command table. */
  slash(session: ChatSession, line: string): Promise<void>;
}

/** A running interactive session. */
export class ChatSession {
  readonly opts: SessionOptions;
  readonly line: ChatLine;
  readonly rooms = new Map<string, RoomInfo>();
  readonly users = new Set<string>();
  me: string;
  /** The current view's room (null in a DM view or none). */
  room: string | null = null;
  /** The user's away message, while one is set. */
  away: string | null = null;
  #typing = new TypingBoard((room) => {
    if (room === this.room) this.#refreshPrompt();
  });
  #feed = feedFor(
    this,
    (room, user) => this.#typing.clear(room, user),
    () => this.#now(),
  );
  #roomEvents = new RoomEvents(this);
  #routes: EventRoutes = {
    feed: this.#feed,
    typing: this.#typing,
    roomEvents: this.#roomEvents,
    sessionError: (code) => this.#link.errorEvent(code),
  };
  /** The views, their counts and read markers. */
  readonly views: ViewSwitch;
  #now: () => number;
  #notifier: TypingNotifier;
  #done: Promise<number>;
  #finish: (code: number) => void = () => {};
  #unsubscribe: (() => void)[] = [];
  #isQuitting = false;
  #isSwitching = false;
  #link: SessionLink;
  #input: TypedInput = new TypedInput({
    session: this,
    runSlash: (line) => this.opts.slash(this, line),
    stopTyping: () => this.#notifier.stop(),
    send: (text) => this.sendToView(text),
  });
  #outbox = new Outbox({
    request: (msg) => this.opts.conn.request(msg),
    isOnline: () => this.#link.state === "open",
    sent: (reply) => {
      if (reply.type === "sent") this.#feed.room(reply.message);
      if (reply.type === "dm_sent") this.#feed.dm(reply.message);
    },
    notice: (text) => this.print(showNotice(text, this.opts.colors)),
    error: (text) => this.print(showError(text, this.opts.colors)),
    restore: (text) => this.line.restore(text),
  });

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.me = opts.me;
    this.#now = opts.now ?? Date.now;
    this.views = viewSwitchFor(this, {
      showHistory: (messages) => this.#feed.history(messages, true),
      viewChanged: () => this.#viewChanged(),
      ring: () => this.line?.ring(),
      isOnline: () => this.#link.isOnline,
    });
    this.#done = new Promise((resolve) => (this.#finish = resolve));
    this.#notifier = new TypingNotifier(
      {
        typing: (room, typing) => this.#link.fire({ type: "typing", room, typing }),
        activity: () => this.#link.fire({ type: "activity" }),
      },
      opts.now,
    );
    this.#link = new SessionLink(this, {
      feed: this.#feed,
      outbox: this.#outbox,
      notifier: this.#notifier,
      typing: this.#typing,
      memberRooms: () => memberRooms(this.rooms),
      refreshPrompt: () => this.#refreshPrompt(),
      logIn: () => opts.slash(this, `login ${this.me}`),
    });
    this.line = openChatLine(this, {
      prompt: this.#prompt(),
      submitted: (text) => void this.#input.submitted(text),
      edited: (text) => this.#notifier.edited(text, this.room),
      interrupted: () => void this.#askQuit(),
    });
    this.#unsubscribe.push(
      opts.conn.onEvent((event) => this.handleEvent(event)),
      opts.conn.onState((state) => void this.#link.changed(state)),
    );
  }

  /** Resolves with the exit code when the user quits. */
  get done(): Promise<number> {
    return this.#done;
  }

  /** Load rooms, enter `room` (or none), and remember where each room stands. */
  async start(room: string | null): Promise<void> {
    await this.refreshRooms();
    await this.views.syncConversations();
    await Promise.all([...memberRooms(this.rooms)].map((r) => this.#feed.baseline(r)));
    const none = "you are in no room yet: /rooms lists them, /join <room> enters one";
    if (room) await this.enter(room);
    else this.print(showNotice(none, this.opts.colors));
  }

  /** Print a shown line above the prompt (ringing the bell when asked). */
  print(shown: Shown | string): void {
    const item = typeof shown === "string" ? { text: shown, isBell: false } : shown;
    this.line.print(item.text, item.isBell, "hang" in item ? item.hang : 0);
  }

  /** Switch to a room's view and show its recent messages. */
  enter(room: string): Promise<void> {
    return this.enterView({ kind: "room", name: room });
  }

  /** Switch to a view: its recent messages, a line before what is new, then it is read. */
  enterView(id: ViewId): Promise<void> {
    return enterView(this, id, () => this.#notifier.stop());
  }

  /** Send text to the current view (or `to`): a room message or a DM (an action for `/me`). */
  async sendToView(text: string, action = false, to?: ViewId): Promise<void> {
    const view = to ?? this.views.views.current;
    if (!view) return;
    const extra = action ? { action: true } : {};
    if (view.kind === "room") await this.#outbox.send({ room: view.name, text, ...extra });
    else await this.#outbox.send({ to: view.name, text, ...extra });
  }

  /** Where plain text goes: `#dev`, `@bob`, or null. */
  get viewName(): string | null {
    const view = this.views.views.current;
    return view ? viewLabel(view) : null;
  }

  /** How the user is, as far as presence events told (null: not known). */
  presenceOf(user: string) {
    return this.#roomEvents.presenceOf(user);
  }

  /** Ask the server which rooms exist and which the user is in. */
  async refreshRooms(): Promise<void> {
    const reply = await this.opts.conn.request({ type: "rooms" });
    if (reply.type !== "rooms") return;
    this.rooms.clear();
    for (const info of reply.rooms) this.rooms.set(info.name, info);
    this.views.syncRooms(reply.rooms);
  }

  /** Run a clack dialog with the chat line out of the way. */
  modal<T>(dialog: (dialogs: Dialogs) => Promise<T>): Promise<T> {
    return this.line.modal(() => dialog(this.opts.dialogs));
  }

  /** True when the chat ended to start over with another account (/login, /register). */
  get isSwitching(): boolean {
    return this.#isSwitching;
  }

  /** End this chat so that it starts over with the session just saved. */
  switchAccount(): void {
    this.#isSwitching = true;
    this.quit(0);
  }

  /** Leave the chat. */
  quit(code = 0): void {
    if (this.#isQuitting) return;
    this.#isQuitting = true;
    this.#notifier.stop();
    this.views.stop();
    this.#link.stop();
    for (const stop of this.#unsubscribe) stop();
    this.#typing.clearAll();
    for (const text of this.#outbox.giveBack())
      this.print(showError(`not sent: ${text}`, this.opts.colors));
    this.line.close();
    this.opts.conn.close();
    this.#finish(code);
  }

  /** Show one frame that is not a reply. */
  handleEvent(event: ServerEvent): void {
    routeEvent(this, this.#routes, event);
  }

  #prompt(): string {
    return promptFor(this, {
      typers: this.#typing.users(this.room),
      connection: this.#link.state,
      isLoggedOut: this.#link.isLoggedOut,
      now: this.#now,
    });
  }

  #refreshPrompt(): void {
    this.line?.setPrompt(this.#prompt());
  }

  // The current view or a count changed.
  #viewChanged(): void {
    const view = this.views.views.current;
    this.room = view?.kind === "room" ? view.name : null;
    this.#refreshPrompt();
    this.line?.redraw();
  }

  /** Someone's presence changed: a DM view's status line shows it. */
  presenceChanged(): void {
    if (this.views.views.current?.kind === "dm") this.line?.redraw();
  }

  /** Send text to the current room (held while the connection is down). */
  say(text: string): Promise<void> {
    return this.#input.say(text);
  }

  /** Start following a room the user just became a member of (for catch-up). */
  async watchRoom(room: string): Promise<void> {
    this.views.views.open({ kind: "room", name: room });
    this.#viewChanged();
    await this.#feed.baseline(room);
  }

  /** Forget a room the user is no longer in; move to another view if it was the current one. */
  leftRoom(room: string): void {
    leaveRoomView(this, room, {
      forgetTyping: () => this.#typing.forgetRoom(room),
      stopTyping: () => this.#notifier.stop(),
      viewChanged: () => this.#viewChanged(),
    });
  }

  /** True after the session was ended elsewhere, until /login. */
  get isLoggedOut(): boolean {
    return this.#link.isLoggedOut;
  }

  /** The connection the chat runs on is gone for good (only a new one can log in). */
  get isOffline(): boolean {
    return this.#link.state === "closed";
  }

  /** Logged in again on the same connection as the same user: carry on where it stopped. */
  loggedInAgain(): Promise<void> {
    return this.#link.loggedInAgain();
  }

  async #askQuit(): Promise<void> {
    const answer = await this.modal((d) => d.confirm("Leave the chat?", true));
    if (answer === true) this.quit(0);
  }
}
