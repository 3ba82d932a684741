/**
 * Runs a command of the shared table inside the chat: its output printed above the
 * prompt, its questions asked in clack dialogs, on the chat's own live connection.
 */
import { parseOptions } from "../args.ts";
import { parseArgsOf } from "../commands/parse-args.ts";
import {
  type Command,
  type CommandContext,
  type CommandIO,
  findCommand,
  parseCommandLine,
  type PromptHooks,
} from "../commands.ts";
import type { Connection } from "../connection.ts";
import { CancelledError } from "../errors.ts";
import type { ChatSession } from "./session.ts";

/** What slash commands need besides the session. */
export interface SlashOptions {
  conn: Connection;
  server: string;
  configDir: string;
  timeoutMs: number;
  /** The session token in use (it changes with /login and /register). */
  token(): string | null;
  /** A new connection to the same server, not logged in (to log in as someone else). */
  dial?(): Promise<Connection>;
  /** The command of the chat's table with this name (default: the shell's table). */
  find?(name: string): Command | null;
}

/** Run a command of the table with the session's IO; resolves to its exit code. */
export async function runTable(
  session: ChatSession,
  opts: SlashOptions,
  argv: string[],
  hooks?: Partial<PromptHooks>,
  isQuiet = false,
  conn: Connection = borrowed(opts.conn),
): Promise<number> {
  const c = session.opts.colors;
  const io: CommandIO = {
    out: (text) => {
      if (!isQuiet) for (const l of text.split("\n")) session.print(l);
    },
    json: (obj) => session.print(JSON.stringify(obj)),
    err: (text) => session.print(c.red(text)),
    colors: c,
    isTTY: true,
    // Tables fit the terminal; other lines wrap above the prompt.
    columns: (session.opts.output as { columns?: number }).columns ?? 80,
    readStdin: async () => "",
    prompt: {
      password: hooks?.password ?? ((message) => ask(session, (d) => d.password(message))),
      confirm: hooks?.confirm ?? ((message) => ask(session, (d) => d.confirm(message, false))),
    },
  };
  const ctx: CommandContext = {
    io,
    connect: async () => conn,
    server: opts.server,
    configDir: opts.configDir,
    token: opts.token(),
    json: false,
    timeoutMs: opts.timeoutMs,
    signal: new AbortController().signal,
  };
  const [name = "", ...args] = argv;
  const command = opts.find?.(name);
  const parsed = command ? parseArgsOf(command, args, {}, "/") : parseCommandLine(argv, {}, "/");
  return parsed.command.run(ctx, parsed);
}

/** The words of `/name args` that are neither options nor option values. */
export function positionalsOf(name: string, args: string[]): string[] {
  const options = findCommand(name)?.options;
  try {
    if (options) return parseOptions(args, options).positionals;
  } catch {
    // An unknown option: the command itself reports it when run.
  }
  return args.filter((a) => !a.startsWith("--"));
}

/** Ask in a dialog; a cancelled dialog throws CancelledError. */
export async function ask<T>(
  session: ChatSession,
  dialog: (d: ChatSession["opts"]["dialogs"]) => Promise<T | null>,
): Promise<T> {
  const answer = await session.modal(dialog);
  if (answer === null) throw new CancelledError();
  return answer;
}

// The live connection lent to a command: a command closing it must not end the chat.
function borrowed(conn: Connection): Connection {
  return new Proxy(conn, {
    get(target, prop) {
      if (prop === "close") return () => {};
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
