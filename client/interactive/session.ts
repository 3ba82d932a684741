/**
 * The interactive chat session: it owns the chat line, shows what arrives in the current
 * view (view-switch.ts counts the rest), sends what is typed to it, keeps the typing
 * indicator, the prompt and the status line up to date, and after a reconnect has the
 * message feed (message-feed.ts) catch up with what was missed.
 */
import type { ChatMessage, ClientMessage, DirectMessage, RoomInfo } from "../../shared/protocol.ts";
import { normalizeUserName, sanitizeText } from "../../shared/protocol.ts";
import type { ServerEvent } from "../connection.ts";
import { ChatLine } from "./chat-line.ts";
import { complete } from "./completion.ts";
import { ConnectionWatch } from "./connection-watch.ts";
import type { Dialogs } from "./dialogs.ts";
import { describeRoom, type Shown, showError, showNotice } from "./display.ts";
import { maskSecrets, maskTyped } from "./mask.ts";
import { MessageFeed } from "./message-feed.ts";
import { Outbox } from "./outbox.ts";
import type { SessionParts } from "./session-options.ts";
import { inputStatus } from "./input-status.ts";
import { TypedInput } from "./typed-input.ts";
import { buildPrompt } from "./status.ts";
import { RoomEvents } from "./room-events.ts";
import { TypingNotifier } from "./typing.ts";
import { TypingBoard } from "./typing-board.ts";
import { type ViewId, viewLabel } from "./views.ts";
import { ViewSwitch } from "./view-switch.ts";

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
  #watch = new ConnectionWatch({
    dropped: () => this.#dropped(),
    back: () => this.#caughtUp("reconnected"),
    refused: () => {
      if (!this.#isQuitting) this.#loggedOut();
    },
    ended: () => {
      if (this.#isQuitting) return;
      this.print(showError("disconnected from the server", this.opts.colors));
      this.quit(7);
    },
    refreshPrompt: () => this.#refreshPrompt(),
  });
  #typing = new TypingBoard((room) => {
    if (room === this.room) this.#refreshPrompt();
  });
  #feed = new MessageFeed(
    {
      viewpoint: () => ({
        me: this.me,
        room: this.room,
        colors: this.opts.colors,
        depth: this.opts.depth,
        now: this.#now(),
      }),
      print: (shown) => this.print(shown),
      met: (user) => this.users.add(user),
      spoke: (room, user) => this.#typing.clear(room, user),
      arrived: (msg) => this.views.arrived(msg),
    },
    (msg) => this.opts.conn.request(msg),
  );
  #roomEvents = new RoomEvents(this);
  /** The views, their counts and read markers. */
  readonly views: ViewSwitch;
  #now: () => number;
  #notifier: TypingNotifier;
  #done: Promise<number>;
  #finish: (code: number) => void = () => {};
  #unsubscribe: (() => void)[] = [];
  #isQuitting = false;
  #isSwitching = false;
  #isLoggedOut = false;
  #input: TypedInput = new TypedInput({
    session: this,
    runSlash: (line) => this.opts.slash(this, line),
    stopTyping: () => this.#notifier.stop(),
    send: (text) => this.sendToView(text),
  });
  #outbox = new Outbox({
    request: (msg) => this.opts.conn.request(msg),
    isOnline: () => this.#watch.state === "open",
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
    const session = this;
    this.views = new ViewSwitch({
      get me() {
        return session.me;
      },
      opts,
      request: (msg) => opts.conn.request(msg),
      print: (shown) => this.print(shown),
      showHistory: (messages) => this.#feed.history(messages, true),
      viewChanged: () => this.#viewChanged(),
      ring: () => this.line?.ring(),
      isOnline: () => this.#watch.state === "open" && !this.#isLoggedOut,
    });
    this.#done = new Promise((resolve) => (this.#finish = resolve));
    this.#notifier = new TypingNotifier(
      {
        typing: (room, typing) => this.#fire({ type: "typing", room, typing }),
        activity: () => this.#fire({ type: "activity" }),
      },
      opts.now,
    );
    this.line = new ChatLine({
      input: opts.input,
      output: opts.output,
      prompt: this.#prompt(),
      history: opts.state?.loadHistory(opts.server, opts.me) ?? [],
      completer: (text) => complete(text, this.#completionSource()),
      onLine: (text) => void this.#input.submitted(text),
      onEdit: (text) => this.#notifier.edited(text, this.room),
      onInterrupt: () => void this.#askQuit(),
      onEnd: () => this.quit(),
      onHistory: (history) => opts.state?.saveHistory(opts.server, this.me, history),
      isSecret: (text) => maskSecrets(text) !== text,
      mask: maskTyped,
      status: (text) => inputStatus(text, opts.colors),
      header: (columns) => this.views.header(columns, this.away, (user) => this.presenceOf(user)),
      onView: (move) => void this.#moveView(move),
    });
    this.#unsubscribe.push(
      opts.conn.onEvent((event) => this.handleEvent(event)),
      opts.conn.onState((state) => void this.#watch.changed(state)),
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
    await Promise.all([...this.#memberRooms()].map((r) => this.#feed.baseline(r)));
    if (room) await this.enter(room);
    else
      this.print(
        showNotice(
          "you are in no room yet: /rooms lists them, /join <room> enters one",
          this.opts.colors,
        ),
      );
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
  async enterView(id: ViewId): Promise<void> {
    const previous = this.views.views.current;
    if (previous && (previous.kind !== id.kind || previous.name !== id.name)) {
      this.#notifier.stop();
    }
    if (id.kind === "room") this.opts.state?.setLastRoom(this.opts.server, this.me, id.name);
    const info = id.kind === "room" ? this.rooms.get(id.name) : undefined;
    const header = info ? describeRoom(info) : sanitizeText(viewLabel(id));
    try {
      const entering = this.views.enter(id);
      this.print(showNotice(`now in ${header}`, this.opts.colors));
      await entering;
      if (id.kind !== "room") return;
      const who = await this.opts.conn.request({ type: "who", room: id.name });
      if (who.type === "who") for (const entry of who.users) this.users.add(entry.user);
    } catch (err) {
      this.print(showError(errorText(err), this.opts.colors));
    }
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
    this.#watch.stop();
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
    const c = this.opts.colors;
    const e = event as Record<string, unknown>;
    switch (event.type) {
      case "message":
        return this.#feed.room(event as unknown as ChatMessage);
      case "dm":
        return this.#feed.dm(event as unknown as DirectMessage);
      case "read":
        return this.views.readEvent(e);
      case "message_update":
      case "dm_update":
        return this.views.updateEvent(e);
      case "typing":
        if (e.user !== this.me) this.#typing.set(String(e.room), String(e.user), e.typing === true);
        return;
      case "error":
        this.#watch.noteError(e.code);
        // The session was ended elsewhere (logout, revoke, password change): say so in
        // words and offer to log in again on this connection.
        if (e.code === "auth_required" && this.#watch.state !== "closed") return this.#loggedOut();
        this.print(showError(String(e.message ?? "error from the server"), c));
        return;
      default:
        // Room and presence notices; newer event types are not shown.
        this.#roomEvents.handle(event.type, e);
        return;
    }
  }

  #prompt(): string {
    const typers = this.#typing.users(this.room);
    const connection = this.#watch.state;
    const retryAt = connection === "reconnecting" ? this.opts.conn.nextRetryAt : null;
    const retryInSeconds =
      typeof retryAt === "number" ? Math.max(1, Math.ceil((retryAt - this.#now()) / 1000)) : null;
    const view = this.views.views.current;
    return buildPrompt(
      {
        room: this.room,
        dm: view?.kind === "dm" ? view.name : null,
        typing: typers,
        connection,
        retryInSeconds,
        isLoggedOut: this.#isLoggedOut,
      },
      this.opts.colors,
    );
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

  async #moveView(move: { step?: number; number?: number }): Promise<void> {
    const views = this.views.views;
    const next = move.number ? views.numbered(move.number) : views.neighbour(move.step ?? 1);
    if (next && next !== views.current) await this.enterView(next);
  }

  /** Someone's presence changed: a DM view's status line shows it. */
  presenceChanged(): void {
    if (this.views.views.current?.kind === "dm") this.line?.redraw();
  }

  // readline prints candidates and inserts them without the funnel: only names a server
  // could have accepted (no control character can be in one) are offered.
  #completionSource() {
    const users = new Set([...this.users].filter(isPlainName));
    users.delete(this.me);
    const rooms = [...this.rooms.keys()].filter(isPlainName);
    const usage = this.opts.commandUsage;
    return { commands: this.opts.commandNames, usage, rooms, users: [...users] };
  }

  *#memberRooms(): Iterable<string> {
    for (const info of this.rooms.values()) {
      if (info.role === "admin" || info.role === "member") yield info.name;
    }
  }

  // Requests whose answer nobody waits for: typing notices and activity.
  #fire(msg: ClientMessage): void {
    if (this.#watch.state !== "open" || this.#isLoggedOut) return;
    this.opts.conn.request(msg).catch(() => {
      // A lost typing notice or activity ping is harmless: the next keystroke sends another.
    });
  }

  /** Send text to the current room (held while the connection is down). */
  say(text: string): Promise<void> {
    return this.#input.say(text);
  }

  #dropped(): void {
    // Where each room stood when the connection dropped: messages that arrive live
    // while catching up must not move the catch-up past ones still missing.
    this.#feed.markDropped();
    this.#notifier.reset();
    this.#typing.clearAll();
    // The prompt says it is reconnecting; the return prints the one line of a restart.
  }

  // Show what was missed, then `notice`, then send what waited to be sent.
  async #caughtUp(notice: string): Promise<void> {
    const c = this.opts.colors;
    // Taken before anything is awaited: live messages must not move the cursors on.
    const cursors = this.#feed.takeCursors();
    try {
      await this.refreshRooms();
      // With a cursor the reconnect's `auth since=` brings what was missed as events.
      if (this.opts.conn.cursor == null) await this.#feed.catchUp(cursors, this.#memberRooms());
      await this.views.syncConversations();
      this.print(showNotice(notice, c));
      // An away message does not outlive a server restart: set it again.
      if (this.away) await this.opts.conn.request({ type: "away", message: this.away });
    } catch (err) {
      this.print(showError(`catching up failed: ${errorText(err)}`, c));
    }
    this.views.flushReads();
    await this.#outbox.flush();
  }

  /** Start following a room the user just became a member of (for catch-up). */
  async watchRoom(room: string): Promise<void> {
    this.views.views.open({ kind: "room", name: room });
    this.#viewChanged();
    await this.#feed.baseline(room);
  }

  /** Forget a room the user is no longer in; move to another view if it was the current one. */
  leftRoom(room: string): void {
    const info = this.rooms.get(room);
    if (info) info.role = null;
    this.#typing.forgetRoom(room);
    const wasCurrent = this.room === room;
    this.views.views.close({ kind: "room", name: room });
    if (!wasCurrent) return this.#viewChanged();
    this.#notifier.stop();
    const next = this.views.views.all.find((v) => v.kind === "room") ?? this.views.views.all[0];
    if (next) void this.enterView(next);
    else this.#viewChanged();
  }

  /** True after the session was ended elsewhere, until /login. */
  get isLoggedOut(): boolean {
    return this.#isLoggedOut;
  }

  /** The connection the chat runs on is gone for good (only a new one can log in). */
  get isOffline(): boolean {
    return this.#watch.state === "closed";
  }

  #loggedOut(): void {
    if (this.#isLoggedOut) return;
    this.#isLoggedOut = true;
    this.#notifier.reset();
    this.#typing.clearAll();
    this.#refreshPrompt();
    const text = `you were logged out: this session was ended elsewhere (a logout, a revoked session or a new password)`;
    this.print(showError(text, this.opts.colors));
    void this.#offerLogin();
  }

  async #offerLogin(): Promise<void> {
    const isWanted = await this.modal((d) => d.confirm(`Log in again as ${this.me}?`, true));
    if (isWanted === true) await this.opts.slash(this, `login ${this.me}`);
    else this.print(showNotice("/login logs in again; /quit leaves", this.opts.colors));
  }

  /** Logged in again on the same connection as the same user: carry on where it stopped. */
  async loggedInAgain(): Promise<void> {
    this.#isLoggedOut = false;
    this.#watch.forgetError();
    this.#refreshPrompt();
    await this.#caughtUp("logged in again");
  }

  async #askQuit(): Promise<void> {
    const answer = await this.modal((d) => d.confirm("Leave the chat?", true));
    if (answer === true) this.quit(0);
  }
}

function isPlainName(name: string): boolean {
  return normalizeUserName(name) === name;
}

/** The message of an error, for one line on screen. */
function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
