/**
 * The shape of a command and of what it is given to run, shared by the one-shot command
 * line and the interactive mode.
 */
import type { ClientMode } from "../../shared/protocol.ts";
import type { Connection } from "../connection.ts";
import type { Colors } from "../render.ts";
import type { ChatFace } from "./chat-face.ts";

import type { OptionsConfig, OptionValues } from "../args.ts";

export type { OptionsConfig, OptionValues };

/** A command's arguments after parsing. */
export interface CommandArgs {
  values: OptionValues;
  positionals: string[];
}

/** Dialogs the interactive mode (or a terminal) can offer. Each throws CancelledError on cancel. */
export interface PromptHooks {
  /** Ask for a secret with a masked prompt. */
  password(message: string): Promise<string>;
  /** Ask a yes/no question. */
  confirm(message: string): Promise<boolean>;
}

/** Where a command writes. Commands never touch process.stdout or process.stderr. */
export interface CommandIO {
  /** Data for people (a newline is added). */
  out(text: string): void;
  /** One JSON object as one line (with --json). */
  json(obj: unknown): void;
  /** A diagnostic (a newline is added). */
  err(text: string): void;
  /** Colour functions, already off when colour is not wanted. */
  colors: Colors;
  /** Both stdin and stdout are terminals: the only case where prompting is allowed. */
  isTTY: boolean;
  /** All of stdin as text ("" when stdin is empty or /dev/null). */
  readStdin(): Promise<string>;
  /** Dialogs; used only when isTTY is true (a terminal, or the interactive mode). */
  prompt?: PromptHooks;
  /** The terminal's width, when tables should fit it (the interactive mode). */
  columns?: number;
}

/** How a command wants its connection. */
export interface ConnectOptions {
  /** Authenticate with the saved session (default true). False for login and register. */
  auth?: boolean;
  /** Default "oneshot"; `listen` uses "listen". */
  mode?: ClientMode;
  /** Re-dial by itself when the connection drops (default false). */
  reconnect?: boolean;
  /** Resume through the cursor: see ConnectionOptions.resume (with `since` to start from). */
  resume?: boolean;
  since?: string;
  /**
   * Hand the connection over while authentication is still in flight: requests are sent
   * at once and settle after it (a round trip saved for `send`). `user` is not known yet.
   */
  isPipelined?: boolean;
}

/** Everything a command may use. */
export interface CommandContext {
  io: CommandIO;
  /** A connection to the server (the interactive mode hands out its own live one). */
  connect(opts?: ConnectOptions): Promise<Connection>;
  /** The normalised server URL in use. */
  server: string;
  /** The folder holding auth.json. */
  configDir: string;
  /** The session token in use (CHAT_TOKEN or the saved one), or null. */
  token: string | null;
  /** --json was given. */
  json: boolean;
  /** For connecting and for each reply. */
  timeoutMs: number;
  /** Aborted on SIGINT ("SIGINT") or SIGTERM ("SIGTERM"); long-running commands stop then. */
  signal: AbortSignal;
}

/** One entry of the command table. */
export interface Command {
  name: string;
  aliases?: string[];
  /** Usage after the command name's prefix, for example `send <room> <text...>`. */
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** More lines for `help <command>`: options and examples. */
  details?: string;
  options: OptionsConfig;
  minArgs: number;
  /** Omitted: any number. */
  maxArgs?: number;
  /** Runs until interrupted (listen): the CLI leaves SIGINT/SIGTERM to it. */
  isLongRunning?: boolean;
  /** How it behaves as `/name` in the interactive chat (see chat-face.ts). */
  chat?: ChatFace;
  /** Resolves to the exit code; throws ChatError, UsageError or ConnectionError. */
  run(ctx: CommandContext, args: CommandArgs): Promise<number>;
}
