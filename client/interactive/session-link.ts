/** The chat's side of its connection: a drop, the catch-up on return, a logout from elsewhere. */
import type { ClientMessage } from "../../shared/protocol.ts";
import type { ConnectionState } from "../connection.ts";
import type { Colors } from "../render.ts";
import { ConnectionWatch } from "./connection-watch.ts";
import type { Dialogs } from "./dialogs.ts";
import { errorText, type Shown, showError, showNotice } from "./display.ts";
import type { MessageFeed } from "./message-feed.ts";
import type { Outbox } from "./outbox.ts";
import type { SessionConnection } from "./session-options.ts";
import type { TypingBoard } from "./typing-board.ts";
import type { TypingNotifier } from "./typing.ts";
import type { ViewSwitch } from "./view-switch.ts";

/** What the link needs of the session (session.ts provides it). */
export interface LinkHost {
  readonly opts: { conn: SessionConnection; colors: Colors };
  readonly me: string;
  readonly away: string | null;
  readonly views: Pick<ViewSwitch, "syncConversations" | "flushReads">;
  print(shown: Shown | string): void;
  quit(code?: number): void;
  refreshRooms(): Promise<void>;
  modal<T>(dialog: (dialogs: Dialogs) => Promise<T>): Promise<T>;
}

/** The session's parts the link drives (they are private to the session). */
export interface LinkParts {
  feed: Pick<MessageFeed, "markDropped" | "takeCursors" | "catchUp">;
  outbox: Pick<Outbox, "flush">;
  notifier: Pick<TypingNotifier, "reset">;
  typing: Pick<TypingBoard, "clearAll">;
  /** The rooms the user is a member of (caught up after a drop). */
  memberRooms(): Iterable<string>;
  refreshPrompt(): void;
  /** Run `/login <user>`. */
  logIn(): Promise<void>;
}

/** The lifecycle of the session's connection, as named steps. */
export class SessionLink {
  #host: LinkHost;
  #parts: LinkParts;
  #isQuitting = false;
  #isLoggedOut = false;
  #watch = new ConnectionWatch({
    dropped: () => this.#dropped(),
    back: () => this.caughtUp("reconnected"),
    refused: () => {
      if (!this.#isQuitting) this.#loggedOut();
    },
    ended: () => {
      if (this.#isQuitting) return;
      this.#host.print(showError("disconnected from the server", this.#host.opts.colors));
      this.#host.quit(7);
    },
    refreshPrompt: () => this.#parts.refreshPrompt(),
  });

  constructor(host: LinkHost, parts: LinkParts) {
    this.#host = host;
    this.#parts = parts;
  }

  /** The connection's state as the chat last heard it. */
  get state(): ConnectionState {
    return this.#watch.state;
  }

  /** True after the session was ended elsewhere, until /login. */
  get isLoggedOut(): boolean {
    return this.#isLoggedOut;
  }

  /** True while requests can go out (open and logged in). */
  get isOnline(): boolean {
    return this.#watch.state === "open" && !this.#isLoggedOut;
  }

  /** The connection's state changed. */
  changed(state: ConnectionState): Promise<void> {
    return this.#watch.changed(state);
  }

  /** An `error` event arrived: true when it ended the session (handled here). */
  errorEvent(code: unknown): boolean {
    this.#watch.noteError(code);
    if (code !== "auth_required" || this.#watch.state === "closed") return false;
    this.#loggedOut();
    return true;
  }

  /** The chat is ending: nothing more is said about the connection. */
  stop(): void {
    this.#isQuitting = true;
    this.#watch.stop();
  }

  /** Send a request nobody waits for (typing, activity); dropped while offline. */
  fire(msg: ClientMessage): void {
    if (!this.isOnline) return;
    this.#host.opts.conn.request(msg).catch(() => {
      // A lost typing notice or activity ping is harmless: the next keystroke sends another.
    });
  }

  /** Logged in again on the same connection as the same user: carry on where it stopped. */
  async loggedInAgain(): Promise<void> {
    this.#isLoggedOut = false;
    this.#watch.forgetError();
    this.#parts.refreshPrompt();
    await this.caughtUp("logged in again");
  }

  /** Show what was missed, then `notice`, then send what waited to be sent. */
  async caughtUp(notice: string): Promise<void> {
    const host = this.#host;
    const { conn, colors: c } = host.opts;
    // Taken before anything is awaited: live messages must not move the cursors on.
    const cursors = this.#parts.feed.takeCursors();
    try {
      await host.refreshRooms();
      // With a cursor the reconnect's `auth since=` brings what was missed as events.
      if (conn.cursor == null) await this.#parts.feed.catchUp(cursors, this.#parts.memberRooms());
      await host.views.syncConversations();
      host.print(showNotice(notice, c));
      // An away message does not outlive a server restart: set it again.
      if (host.away) await conn.request({ type: "away", message: host.away });
    } catch (err) {
      host.print(showError(`catching up failed: ${errorText(err)}`, c));
    }
    host.views.flushReads();
    await this.#parts.outbox.flush();
  }

  #dropped(): void {
    // Where each room stood when the connection dropped: messages that arrive live
    // while catching up must not move the catch-up past ones still missing.
    this.#parts.feed.markDropped();
    this.#parts.notifier.reset();
    this.#parts.typing.clearAll();
    // The prompt says it is reconnecting; the return prints the one line of a restart.
  }

  #loggedOut(): void {
    if (this.#isLoggedOut) return;
    this.#isLoggedOut = true;
    this.#parts.notifier.reset();
    this.#parts.typing.clearAll();
    this.#parts.refreshPrompt();
    const text = `you were logged out: this session was ended elsewhere (a logout, a revoked session or a new password)`;
    this.#host.print(showError(text, this.#host.opts.colors));
    void this.#offerLogin();
  }

  async #offerLogin(): Promise<void> {
    const me = this.#host.me;
    const isWanted = await this.#host.modal((d) => d.confirm(`Log in again as ${me}?`, true));
    if (isWanted === true) await this.#parts.logIn();
    else this.#host.print(showNotice("/login logs in again; /quit leaves", this.#host.opts.colors));
  }
}
