/**
 * How a command of the table behaves as `/name` in the interactive chat: declared by the
 * command itself, next to its shell face, so the slash layer keeps no list of names. The
 * chat hands a command a ChatHost: what it may do there (the current view, dialogs, entering
 * and leaving rooms), so that no command module imports the interactive folder.
 */
import type { ClientMessage, RoomInfo, ServerMessage } from "../../shared/protocol.ts";

/** Answers for a command's questions (the seed's `/login <user> <password>`). */
export interface ChatAnswers {
  password?(message: string): Promise<string>;
  confirm?(message: string): Promise<boolean>;
}

/** One `/name args` as typed. */
export interface ChatCall {
  /** The name as typed (an alias stays an alias), lower case. */
  name: string;
  /** The words after the name. */
  args: string[];
  /** The words that are neither options nor option values. */
  positionals: string[];
  /** The whole line without its slash (for text passed as it was typed). */
  line: string;
}

/** A choice of a select dialog. */
export interface ChatChoice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** The dialogs a command may open in the chat; each resolves to null when cancelled. */
export interface ChatDialogs {
  text(message: string, opts?: { initial?: string; placeholder?: string }): Promise<string | null>;
  select<T extends string>(
    message: string,
    choices: ChatChoice<T>[],
    initial?: T,
  ): Promise<T | null>;
  confirm(message: string, initial?: boolean): Promise<boolean | null>;
}

/** The chat's own forms, for commands whose arguments are settings or secrets. */
export interface ChatForms {
  /** `/login` and `/register`: the seed's forms with passwords on the line are accepted. */
  startSession(name: "login" | "register", args: string[]): Promise<void>;
  /** `/create`, `/createroom`: asks only for the name and settings not given. */
  createRoom(name: string, args: string[]): Promise<void>;
  /** `/edit`, `/editroom`: asks for the settings not given, starting from the current ones. */
  editRoom(name: string, args: string[]): Promise<void>;
  /** `/approve`, `/deny` without a user: pick one of the pending requests. */
  decide(verb: "approve" | "deny", room: string | undefined): Promise<void>;
}

/** The chat's views (rooms and DM conversations), for the commands that move between them. */
export interface ChatViews {
  /** Go to `#room`, `@user` or view number `n`; empty: a picker with counts. */
  switchTo(target: string): Promise<void>;
  /** Open the DM view with `user`, and send `text` there when given. */
  query(user: string, text: string): Promise<void>;
  /** Answer the last DM received; no text: go to that conversation. */
  answer(text: string): Promise<void>;
  /** The user's away message is now `message` (null: back). */
  awayChanged(message: string | null): void;
  /** Show the recent messages that named the user. */
  mentions(): void;
  /** Close the current DM view. */
  close(): void;
}

/** What a command may do in the chat. */
export interface ChatHost {
  /** The logged-in user. */
  readonly me: string;
  /** The room of the current view, or null. */
  readonly room: string | null;
  /** The current view as `#room` or `@user`, or null. */
  readonly view: string | null;
  /** Moving between views. */
  readonly views: ChatViews;
  /** What the chat last heard of a room (undefined: not known yet). */
  roomInfo(room: string): RoomInfo | undefined;
  /** A notice line (`-- text`). */
  notice(text: string): void;
  /** An error line (`! text`). */
  error(text: string): void;
  /** Run a command of the table on the chat's connection; resolves to its exit code. */
  run(argv: string[], opts?: { isTold?: boolean; hooks?: ChatAnswers }): Promise<number>;
  /** One request on the chat's connection. */
  request(msg: ClientMessage): Promise<ServerMessage>;
  /** Open a dialog with the chat line out of the way. */
  ask<T>(dialog: (d: ChatDialogs) => Promise<T | null>): Promise<T | null>;
  /** Make `room` the current view and show its recent messages. */
  enter(room: string): Promise<void>;
  /** The user is no longer in `room`: forget it, and move on if it was the current one. */
  left(room: string): void;
  /** Ask the server again for the rooms and the user's roles. */
  refreshRooms(): Promise<void>;
  /** Clear the screen. */
  clear(): void;
  /** Show the chat's command list, or how to use one command. */
  help(command?: string): void;
  /** Leave the chat with this exit code. */
  quit(code?: number): void;
  forms: ChatForms;
}

/** How a command shows in the chat. Without one, `/name args` runs the table's command. */
export interface ChatFace {
  /** Not a command of the chat: this is said instead of running it. */
  notInChat?: string;
  /** Names only the chat knows (IRC habits such as `j` and `part`). */
  aliases?: string[];
  /** The usage in the chat (after the slash) when it differs from the shell's. */
  usage?: string;
  /** The summary in `/help` when it differs from the shell's. */
  summary?: string;
  /**
   * The first argument is a room (or `@user`) that the current view fills in: "fill" when
   * fewer arguments than the command needs (or none) are given; "hash" only when the first
   * word does not start with `#` or `@` (the rest is text, as in IRC's `/topic`).
   */
  room?: "fill" | "hash";
  /** The outcome shows through the events that follow: the table's own words stay unsaid. */
  isTold?: boolean;
  /** The text after the first argument is passed as typed (spaces kept): a message. */
  isText?: boolean;
  /** Runs instead of the table's command: asks for what is missing, runs, does what follows. */
  run?(chat: ChatHost, call: ChatCall): Promise<void>;
  /** After the table's command succeeded, with the call as it ran (defaults filled in). */
  after?(chat: ChatHost, call: ChatCall): Promise<void> | void;
}
