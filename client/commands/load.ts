/**
 * Parsing one command's arguments, and loading only the module that implements it:
 * a one-shot `chat send` must not pay for compiling every other command at start-up.
 */
import { type OptionsConfig, parseOptions } from "../args.ts";
import { UsageError } from "../errors.ts";
import type { Command, CommandArgs } from "./types.ts";

/** A command line parsed against the table. */
export interface ParsedCommandLine extends CommandArgs {
  command: Command;
}

type CommandModule = Record<string, unknown>;

const account = () => import("./account.ts") as Promise<CommandModule>;
const rooms = () => import("./rooms.ts") as Promise<CommandModule>;
const membership = () => import("./membership.ts") as Promise<CommandModule>;
const messages = () => import("./messages.ts") as Promise<CommandModule>;
const listen = () => import("./listen.ts") as Promise<CommandModule>;
const sessions = () => import("./sessions.ts") as Promise<CommandModule>;
const reading = () => import("./reading.ts") as Promise<CommandModule>;
const table = () => import("../commands.ts") as Promise<CommandModule>;
const completion = () => import("./completion.ts") as Promise<CommandModule>;
const version = () => import("./version.ts") as Promise<CommandModule>;
const edits = () => import("./message-edits.ts") as Promise<CommandModule>;
const moderation = () => import("./moderation.ts") as Promise<CommandModule>;

/** The module of every command name and alias (checked against the table by a unit test). */
export const COMMAND_MODULES: Record<string, () => Promise<CommandModule>> = {
  register: account,
  login: account,
  logout: account,
  whoami: account,
  passwd: account,
  sessions,
  revoke: sessions,
  rooms,
  create: rooms,
  createroom: rooms,
  edit: rooms,
  editroom: rooms,
  shutdown: rooms,
  join: membership,
  leave: membership,
  requests: membership,
  approve: membership,
  deny: membership,
  kick: membership,
  who: membership,
  send: messages,
  dm: messages,
  msg: messages,
  history: messages,
  me: edits,
  amend: edits,
  delete: edits,
  away: edits,
  topic: moderation,
  ban: moderation,
  unban: moderation,
  bans: moderation,
  invite: moderation,
  uninvite: moderation,
  handover: moderation,
  unread: reading,
  read: reading,
  conversations: reading,
  listen,
  completion,
  version,
  help: table,
};

function isCommand(value: unknown): value is Command {
  return typeof value === "object" && value !== null && "run" in value && "usage" in value;
}

/** The command with this name or alias (case-insensitive), loading only its module; or null. */
export async function loadCommand(name: string): Promise<Command | null> {
  const key = name.toLowerCase();
  const load = Object.hasOwn(COMMAND_MODULES, key) ? COMMAND_MODULES[key] : undefined;
  if (!load) return null;
  const mod = await load();
  for (const value of Object.values(mod)) {
    if (isCommand(value) && (value.name === key || value.aliases?.includes(key))) return value;
  }
  return null;
}

/**
 * Parse a command's arguments: its options (and `extraOptions`, the one-shot face's
 * global options) and its argument count. Throws UsageError with the usage line.
 */
export function parseArgsOf(
  command: Command,
  args: string[],
  extraOptions: OptionsConfig = {},
  prefix = "chat ",
): ParsedCommandLine {
  const usage = `usage: ${prefix}${command.usage}`;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args, { ...extraOptions, ...command.options });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(err.message, `${usage}\n(put -- before text that starts with a dash)`);
  }
  const { positionals } = parsed;
  if (positionals.length < command.minArgs) {
    throw new UsageError(`${command.name}: missing arguments`, usage);
  }
  if (command.maxArgs !== undefined && positionals.length > command.maxArgs) {
    throw new UsageError(`${command.name}: too many arguments`, usage);
  }
  return { command, values: parsed.values, positionals };
}
