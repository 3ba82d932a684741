/**
 * Loading only the module that implements a command: a one-shot `chat send` must not pay
 * for compiling every other command at start-up.
 */
import type { Command } from "./types.ts";

type CommandModule = Record<string, unknown>;

const account = () => import("./account.ts") as Promise<CommandModule>;
const rooms = () => import("./rooms.ts") as Promise<CommandModule>;
const membership = () => import("./membership.ts") as Promise<CommandModule>;
const messages = () => import("./messages.ts") as Promise<CommandModule>;
const listen = () => import("./listen.ts") as Promise<CommandModule>;
const sessions = () => import("./sessions.ts") as Promise<CommandModule>;
const reading = () => import("./reading.ts") as Promise<CommandModule>;
const table = () => import("../commands.ts") as Promise<CommandModule>;
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
  completion: table,
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
