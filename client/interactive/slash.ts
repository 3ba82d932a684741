/**
 * Slash commands of the interactive mode. Every command of the shared table runs as
 * `/name args` on the session's live connection, with its output printed above the
 * prompt and its questions asked in clack dialogs. A few are helped along here: missing
 * arguments filled in (current room, dialogs), `/join` switching rooms, the seed's
 * `/login <user> <password>` and `/register <user> <password> <password>`, `/quit`.
 */
import { COMMANDS, type PromptHooks, splitWords } from "../commands.ts";
import { CancelledError, describeError } from "../errors.ts";
import { showError, showNotice } from "./display.ts";
import { inChatWords } from "./words.ts";
import { createRoom, decide, editRoom } from "./room-forms.ts";
import type { ChatSession } from "./session.ts";
import { ask, positionalsOf, runTable, type SlashOptions } from "./table.ts";

export type { SlashOptions } from "./table.ts";

const LOCAL_HELP: [string, string][] = [
  ["/quit", "leave the chat (also Ctrl-D on an empty line)"],
  ["/join <room>", "join a room (or ask to) and switch to it"],
  ["/help [command]", "this list, or the usage of one command"],
];

// Commands that belong to the shell, or that the list above describes itself.
const NOT_IN_CHAT = new Set(["join", "help", "listen", "completion"]);

// Commands whose only argument defaults to the current room.
const ROOM_DEFAULT = new Set(["history", "leave", "shutdown", "who", "edit", "editroom"]);

/** Make the slash handler a session calls for each `/...` line. */
export function makeSlash(
  opts: SlashOptions,
): (session: ChatSession, line: string) => Promise<void> {
  return async (session, line) => {
    try {
      await dispatch(session, line, opts);
    } catch (err) {
      if (err instanceof CancelledError)
        session.print(showNotice("cancelled", session.opts.colors));
      else
        session.print(showError(inChatWords(describeError(err, opts.server)), session.opts.colors));
    }
  };
}

async function dispatch(session: ChatSession, line: string, opts: SlashOptions): Promise<void> {
  const words = splitWords(line);
  const name = (words[0] ?? "").toLowerCase();
  const args = words.slice(1);
  const positionals = positionalsOf(name, args);
  switch (name) {
    case "quit":
    case "exit":
    case "q":
      return session.quit(0);
    case "help":
      if (args.length === 0) return showHelp(session, opts);
      break;
    case "join":
      if (positionals.length === 1) return join(session, opts, positionals[0] ?? "");
      break;
    case "login":
    case "register":
      return startSession(session, opts, name, args);
    case "create":
    case "createroom":
      return createRoom(session, opts, name, args);
    case "editroom":
    case "edit":
      return editRoom(session, opts, name, withRoom(session, name, args));
    case "approve":
    case "deny":
      if (positionals.length < 2) return decide(session, opts, name, positionals[0]);
      break;
    case "dm":
    case "send":
      await runQuiet(session, opts, [name, "--", ...rawTail(line)]);
      return;
    case "listen":
      session.print(
        showNotice("the chat already shows everything as it arrives", session.opts.colors),
      );
      return;
    case "completion":
      session.print(
        showNotice(
          "shell completion is for the shell: run `chat completion bash`",
          session.opts.colors,
        ),
      );
      return;
    case "shutdown":
      if (!isAdminOf(session, positionals[0] ?? session.room)) {
        const room = (positionals[0] ?? session.room ?? "").replace(/^#/, "");
        const text = `only the admin of #${room} may shut it down`;
        session.print(showError(text, session.opts.colors));
        return;
      }
      break;
    default:
      break;
  }
  const isRoomLeftOut =
    (ROOM_DEFAULT.has(name) && positionals.length === 0) ||
    (name === "kick" && positionals.length === 1);
  const argv = isRoomLeftOut && session.room ? [session.room, ...args] : args;
  // Taken before running: the event that tells of the leave moves the current room on.
  const target = (positionals[0] ?? session.room ?? "").replace(/^#/, "").toLowerCase();
  // A shutdown, a leave and a kick are told by the events that follow them.
  const isTold = name === "shutdown" || name === "leave" || name === "kick";
  const code = await runTable(session, opts, [name, ...argv], undefined, isTold);
  if (code !== 0) return;
  if (name === "leave") session.leftRoom(target);
  if (name === "logout") session.quit(0);
}

function isAdminOf(session: ChatSession, raw: string | null | undefined): boolean {
  const room = (raw ?? "").replace(/^#/, "").toLowerCase();
  // A room not in the list (not loaded yet): the server decides.
  const info = session.rooms.get(room);
  return info === undefined || info.role === "admin";
}

function withRoom(session: ChatSession, name: string, args: string[]): string[] {
  const hasRoom = positionalsOf(name, args).length > 0;
  return hasRoom || !session.room ? args : [session.room, ...args];
}

// `/dm bob  two  spaces`: the text after the target is passed as it was typed.
function rawTail(line: string): string[] {
  const m = /^\s*\S+\s+(\S+)\s?([\s\S]*)$/.exec(line);
  if (!m) return splitWords(line).slice(1);
  return m[2] ? [m[1] ?? "", m[2]] : [m[1] ?? ""];
}

function runQuiet(session: ChatSession, opts: SlashOptions, argv: string[]): Promise<number> {
  // The server echoes sent messages and DMs to this connection: they show once, from there.
  return runTable(session, opts, argv, undefined, true);
}

// Passwords are asked in a masked dialog here, or given as in `/login <user> <password>`.
function interactiveUsage(usage: string): string {
  return usage
    .replace(/^register <user> \[--password-stdin\]/, "register <user> [<password> <password>]")
    .replace(/^login <user> \[--password-stdin\]/, "login <user> [<password>]")
    .replace(" [--password-stdin]", "");
}

function showHelp(session: ChatSession, opts: SlashOptions): void {
  const c = session.opts.colors;
  const rows: [string, string][] = [
    ...LOCAL_HELP,
    ...COMMANDS.filter((cmd) => !NOT_IN_CHAT.has(cmd.name)).map((cmd): [string, string] => [
      `/${interactiveUsage(cmd.usage)}`,
      // Stdin, exit codes and the shell's own forms belong to the shell, not to the chat.
      inChatWords(
        cmd.summary
          .replace(/[;,]?\s*(text )?- reads stdin/, "")
          .replace(/ \((exit \d+ [^)]*|also `chat [^)]*)?\)/, ""),
      ),
    ]),
  ];
  const width = 26;
  const lines = [c.bold("Plain text goes to the current room. Commands:")];
  for (const [usage, summary] of rows) {
    // Long usages get their summary on a line of its own, so that 80 columns suffice.
    if (usage.length > width) lines.push(`  ${usage}`, `  ${" ".repeat(width)}  ${c.dim(summary)}`);
    else lines.push(`  ${usage.padEnd(width)}  ${c.dim(summary)}`);
  }
  session.print(lines.join("\n"));
  session.print(
    c.dim("Keys: Tab completes, Up/Down history, Ctrl-C clears the line, Ctrl-D quits."),
  );
}

async function join(session: ChatSession, opts: SlashOptions, raw: string): Promise<void> {
  const room = raw.replace(/^#/, "").toLowerCase();
  const info = session.rooms.get(room);
  if (info && (info.role === "member" || info.role === "admin")) return session.enter(room);
  // The table's words are for scripts; here the outcome is told in the chat's own words.
  const code = await runTable(session, opts, ["join", room], undefined, true);
  if (code !== 0) return;
  await session.refreshRooms();
  const role = session.rooms.get(room)?.role;
  if (role === "member" || role === "admin") await session.enter(room);
  else {
    const notice = `asked to join #${room}; you will be told when its admin decides`;
    session.print(showNotice(notice, session.opts.colors));
  }
}

async function startSession(
  session: ChatSession,
  opts: SlashOptions,
  name: "login" | "register",
  args: string[],
): Promise<void> {
  // The seed's forms carry the password(s) on the line; they answer the password questions.
  const [user, ...given] = args;
  const argv = user ? [name, user] : [name];
  const hooks: Partial<PromptHooks> | undefined =
    given.length > 0
      ? {
          password: async (message) => {
            const next = given.length > 1 ? given.shift() : given[0];
            if (next !== undefined) return next;
            return ask(session, (d) => d.password(message));
          },
        }
      : undefined;
  // Logged out elsewhere with the connection still up: log in again on it.
  if (session.isLoggedOut && !session.isOffline) return logInAgain(session, opts, argv, hooks);
  if ((opts.conn.user || session.isOffline) && opts.dial) {
    return switchAccount(session, opts, argv, hooks);
  }
  const code = await runTable(session, opts, argv, hooks);
  if (code !== 0 || !opts.conn.user) return;
  session.me = opts.conn.user;
  await session.refreshRooms();
}

// The live connection took the new session: the same user carries on where the chat
// stopped; another user starts over, as their rooms and history differ.
async function logInAgain(
  session: ChatSession,
  opts: SlashOptions,
  argv: string[],
  hooks: Partial<PromptHooks> | undefined,
): Promise<void> {
  const code = await runTable(session, opts, argv, hooks);
  if (code !== 0) return;
  if (opts.conn.user !== session.me) return session.switchAccount();
  await session.loggedInAgain();
}

// Logged in already: the server takes one session per connection, so the new one is made
// on a connection of its own and saved, and the chat starts over with it.
async function switchAccount(
  session: ChatSession,
  opts: SlashOptions,
  argv: string[],
  hooks: Partial<PromptHooks> | undefined,
): Promise<void> {
  const c = session.opts.colors;
  if (argv[0] === "login" && argv[1]?.toLowerCase() === session.me && !session.isOffline) {
    session.print(showNotice(`already logged in as ${session.me}`, c));
    return;
  }
  const conn = await opts.dial?.();
  if (!conn) return;
  try {
    const code = await runTable(session, opts, argv, hooks, false, conn);
    if (code === 0) session.switchAccount();
  } finally {
    conn.close();
  }
}
