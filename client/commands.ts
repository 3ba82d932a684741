/**
 * The command table: one entry per command, used by `chat <command> ...` and by the
 * interactive mode's `/command ...` alike, with the one parser both faces share.
 */
import { GLOBAL_USAGE, type OptionsConfig } from "./args.ts";
import { type ParsedCommandLine, parseArgsOf } from "./commands/parse-args.ts";
import { UsageError } from "./errors.ts";
import { login, logout, passwd, register, whoami } from "./commands/account.ts";
import { listen } from "./commands/listen.ts";
import { revoke, sessions } from "./commands/sessions.ts";
import { dm, history, send } from "./commands/messages.ts";
import { conversations, read, unread } from "./commands/reading.ts";
import { approve, deny, join, kick, leave, requests, who } from "./commands/membership.ts";
import { create, createroom, edit, editroom, rooms, shutdown } from "./commands/rooms.ts";
import { amend, away, deleteMessage, me } from "./commands/message-edits.ts";
import { ban, bans, handover, invite, topic, unban, uninvite } from "./commands/moderation.ts";
import { completionCommand } from "./commands/completion.ts";
import { version } from "./commands/version.ts";
import { CHAT_ONLY } from "./commands/chat-only.ts";
import { CHAT_VIEWS } from "./commands/chat-views.ts";
import { suggestNames } from "./suggest.ts";
import type { Command } from "./commands/types.ts";

export type { ParsedCommandLine } from "./commands/parse-args.ts";

export type {
  Command,
  CommandArgs,
  CommandContext,
  CommandIO,
  ConnectOptions,
  OptionsConfig,
  PromptHooks,
} from "./commands/types.ts";

/** `help [<command>]`: the command list, or one command's usage. */
export const help: Command = {
  name: "help",
  usage: "help [<command>]",
  summary: "show the commands, or how to use one",
  options: {},
  minArgs: 0,
  maxArgs: 1,
  chat: {
    summary: "this list, or how to use one command",
    run: async (chat, { positionals }) => chat.help(positionals[0]),
  },
  async run(ctx, { positionals }) {
    const name = positionals[0];
    if (name === undefined) {
      if (ctx.json) {
        for (const c of COMMANDS)
          ctx.io.json({ command: c.name, usage: c.usage, summary: c.summary });
      } else
        ctx.io.out(`usage: chat [options] <command> [args]\n\n${commandList()}\n\n${GLOBAL_USAGE}`);
      return 0;
    }
    const command = findCommand(name);
    if (!command) throw unknownCommand(name);
    if (ctx.json) {
      ctx.io.json({ command: command.name, usage: command.usage, summary: command.summary });
    } else ctx.io.out(commandHelp(command));
    return 0;
  },
};

/** `completion <bash|zsh|fish>`: print a completion script; it completes from this table. */
export const completion: Command = completionCommand(() => ({
  commands: COMMANDS,
  find: findCommand,
}));

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = [
  register,
  login,
  logout,
  whoami,
  passwd,
  sessions,
  revoke,
  rooms,
  create,
  createroom,
  edit,
  editroom,
  topic,
  shutdown,
  join,
  leave,
  requests,
  approve,
  deny,
  kick,
  ban,
  unban,
  bans,
  invite,
  uninvite,
  handover,
  send,
  me,
  dm,
  amend,
  deleteMessage,
  history,
  unread,
  read,
  conversations,
  who,
  away,
  listen,
  completion,
  version,
  help,
];

/** Every command of the interactive chat: the table's, then the chat's own (`/quit`, ...). */
export const CHAT_COMMANDS: readonly Command[] = [...COMMANDS, ...CHAT_VIEWS, ...CHAT_ONLY];

const BY_NAME = new Map<string, Command>();
for (const command of COMMANDS) {
  BY_NAME.set(command.name, command);
  for (const alias of command.aliases ?? []) BY_NAME.set(alias, command);
}

/** The command with this name or alias (case-insensitive), or null. */
export function findCommand(name: string): Command | null {
  return BY_NAME.get(name.toLowerCase()) ?? null;
}

/** The error for a command name that is not in the table, with close matches. */
export function unknownCommand(name: string): UsageError {
  if (name.startsWith("-")) {
    return new UsageError(`unknown option '${name}'`, "`chat --help` lists the global options");
  }
  const close = suggestNames(
    name,
    COMMANDS.map((c) => c.name),
  );
  const guess = close.length > 0 ? `did you mean ${close.join(", ")}? ` : "";
  return new UsageError(`unknown command '${name}'`, `${guess}\`chat help\` lists the commands`);
}

/** The list of commands with their summaries. */
export function commandList(prefix = "chat "): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ["Commands:", ...lines, "", `\`${prefix}help <command>\` shows how to use one.`].join(
    "\n",
  );
}

/** Usage, summary and details of one command. */
function commandHelp(command: Command, prefix = "chat "): string {
  const aliases = command.aliases?.length ? `\nAlias: ${command.aliases.join(", ")}` : "";
  const details = command.details ? `\n\n${command.details}` : "";
  return `usage: ${prefix}${command.usage}\n\n${command.summary}${aliases}${details}`;
}

/**
 * Parse `[name, ...args]` against the table: the command by name or alias, then its
 * options and its argument count. `extraOptions` are merged in (the one-shot face passes
 * its global options). Throws UsageError.
 */
export function parseCommandLine(
  words: string[],
  extraOptions: OptionsConfig = {},
  prefix = "chat ",
): ParsedCommandLine {
  const [name, ...args] = words;
  if (name === undefined || name === "") {
    throw new UsageError("no command given", "`chat help` lists the commands");
  }
  const command = findCommand(name);
  if (!command) throw unknownCommand(name);
  return parseArgsOf(command, args, extraOptions, prefix);
}

/**
 * Split a typed line into words: whitespace separates, single and double quotes group,
 * a backslash escapes the next character outside single quotes.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let hasWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? "";
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      hasWord = true;
    } else if (ch === "\\" && i + 1 < line.length) {
      word += line[++i];
      hasWord = true;
    } else if (/\s/.test(ch)) {
      if (hasWord) words.push(word);
      word = "";
      hasWord = false;
    } else {
      word += ch;
      hasWord = true;
    }
  }
  if (hasWord) words.push(word);
  return words;
}
