/**
 * Room commands: rooms, create/createroom, edit/editroom, shutdown. Who is in a room is
 * membership.ts's.
 */
import { type ClientMessage, normalizeRoomName, type RoomInfo } from "../../shared/protocol.ts";
import { UsageError } from "../errors.ts";
import { roomJson } from "../json.ts";
import { renderRooms } from "../render.ts";
import type { ChatCall, ChatHost } from "./chat-face.ts";
import type { Command, CommandContext, CommandArgs } from "./types.ts";
import { expectReply, openWord, positiveInt, request, roomArg, visibleWord } from "./util.ts";

/** A room's settings as create and edit send them. */
type RoomSettings = { open?: boolean; visible?: boolean; topic?: string };

function describeRoom(room: RoomInfo): string {
  const topic = room.topic ? `, topic "${room.topic}"` : "";
  return `#${room.name} (${room.open ? "open" : "closed"}, ${room.visible ? "visible" : "hidden"}${topic})`;
}

function printRoom(ctx: CommandContext, verb: string, room: RoomInfo): number {
  if (ctx.json) ctx.io.json(roomJson(room));
  else ctx.io.out(`${verb} ${describeRoom(roomJson(room) as unknown as RoomInfo)}`);
  return 0;
}

/** Rooms `chat rooms` prints at most unless `--limit` says otherwise. */
export const ROOMS_LIMIT = 10_000;

/** `rooms [--limit N] [--after ROOM]`: the rooms the caller can see, every page of them. */
export const rooms: Command = {
  name: "rooms",
  usage: "rooms [--limit N] [--after ROOM]",
  summary: "list rooms: visible ones and yours",
  details:
    `Sorted by name. The server answers a page at a time (200 by default); this fetches every\n` +
    `page, up to --limit rooms (default ${ROOMS_LIMIT}). When more remain it says so on stderr,\n` +
    `with the --after ROOM to go on from.`,
  options: { limit: { type: "string", short: "n" }, after: { type: "string" } },
  minArgs: 0,
  maxArgs: 0,
  async run(ctx, { values }) {
    const limit = positiveInt("limit", values.limit) ?? ROOMS_LIMIT;
    const after = typeof values.after === "string" ? roomArg(values.after) : undefined;
    const { list, next } = await roomPages(ctx, limit, after);
    if (ctx.json) for (const room of list) ctx.io.json(roomJson(room));
    else ctx.io.out(renderRooms(list, ctx.io.colors, ctx.io.columns));
    if (next !== undefined) ctx.io.err(`more rooms after #${next}: chat rooms --after ${next}`);
    return 0;
  },
};

/**
 * Up to `limit` rooms after the room named `after`, page by page; `next` is where to go on
 * when rooms remain. A server that keeps saying `next` without moving on is not followed.
 */
export async function roomPages(
  ctx: CommandContext,
  limit: number,
  after?: string,
): Promise<{ list: RoomInfo[]; next?: string }> {
  const list: RoomInfo[] = [];
  let cursor = after;
  for (;;) {
    const msg: ClientMessage = { type: "rooms", limit: Math.min(200, limit - list.length) };
    if (cursor !== undefined) msg.cursor = cursor;
    const reply = expectReply(await request(ctx, msg), "rooms");
    const taken = reply.rooms.slice(0, limit - list.length);
    list.push(...taken);
    const last = list.at(-1)?.name;
    // A page longer than asked for (a server that does not page) was cut here: say so.
    if (taken.length < reply.rooms.length && last !== undefined) return { list, next: last };
    const next = typeof reply.next === "string" && reply.next > (cursor ?? "") ? reply.next : null;
    if (next === null) return { list };
    cursor = next;
    if (list.length >= limit) return { list, next: last ?? next };
  }
}

async function createRoom(
  ctx: CommandContext,
  room: string,
  settings: RoomSettings,
): Promise<number> {
  const reply = expectReply(await request(ctx, { type: "create", room, ...settings }), "room");
  return printRoom(ctx, "created", reply.room);
}

function topicOf(values: CommandArgs["values"]): { topic?: string } {
  return typeof values.topic === "string" ? { topic: values.topic } : {};
}

/** `create <room> [--closed] [--hidden] [--topic T]`. */
export const create: Command = {
  name: "create",
  usage: "create <room> [--closed] [--hidden] [--topic T]",
  summary: "create a room (you become its admin)",
  details: "Rooms are open and visible unless --closed or --hidden is given.",
  options: { closed: { type: "boolean" }, hidden: { type: "boolean" }, topic: { type: "string" } },
  minArgs: 1,
  maxArgs: 1,
  chat: { run: (chat, call) => chat.forms.createRoom(call.name, call.args) },
  run: (ctx, { values, positionals }) =>
    createRoom(ctx, roomArg(positionals[0]), {
      open: values.closed !== true,
      visible: values.hidden !== true,
      ...topicOf(values),
    }),
};

/** `createroom <room> [<open> [<visible>]]`: the positional form of create. */
export const createroom: Command = {
  name: "createroom",
  usage: "createroom <room> [<open> [<visible>]]",
  summary: "create a room, settings as words (open|closed, visible|hidden)",
  details:
    "<open>: open closed true false yes no 1 0 (default open)\n" +
    "<visible>: visible hidden true false yes no 1 0 (default visible)\n" +
    "Example: chat createroom ops closed hidden",
  options: { topic: { type: "string" } },
  minArgs: 1,
  maxArgs: 3,
  chat: { run: (chat, call) => chat.forms.createRoom(call.name, call.args) },
  run: (ctx, { values, positionals }) => {
    const [name, open, visible] = positionals;
    return createRoom(ctx, roomArg(name), {
      open: open === undefined ? true : openWord(open),
      visible: visible === undefined ? true : visibleWord(visible),
      ...topicOf(values),
    });
  },
};

async function editRoom(
  ctx: CommandContext,
  room: string,
  settings: RoomSettings,
): Promise<number> {
  if (Object.keys(settings).length === 0) {
    throw new UsageError(
      "nothing to change",
      "give --open or --closed, --visible or --hidden, or --topic T",
    );
  }
  const reply = expectReply(await request(ctx, { type: "edit", room, ...settings }), "room");
  return printRoom(ctx, "changed", reply.room);
}

function pickFlag(values: CommandArgs["values"], yes: string, no: string): boolean | undefined {
  if (values[yes] === true && values[no] === true) {
    throw new UsageError(`--${yes} and --${no} contradict each other`);
  }
  if (values[yes] === true) return true;
  if (values[no] === true) return false;
  return undefined;
}

/** `edit <room> [--open|--closed] [--visible|--hidden] [--topic T]`. */
export const edit: Command = {
  name: "edit",
  usage: "edit <room> [--open|--closed] [--visible|--hidden] [--topic T]",
  summary: "change a room's settings (admin only)",
  options: {
    open: { type: "boolean" },
    closed: { type: "boolean" },
    visible: { type: "boolean" },
    hidden: { type: "boolean" },
    topic: { type: "string" },
  },
  minArgs: 1,
  maxArgs: 1,
  chat: { run: (chat, call) => chat.forms.editRoom(call.name, inView(chat, call)) },
  run: (ctx, { values, positionals }) => {
    const settings: RoomSettings = topicOf(values);
    const open = pickFlag(values, "open", "closed");
    const visible = pickFlag(values, "visible", "hidden");
    if (open !== undefined) settings.open = open;
    if (visible !== undefined) settings.visible = visible;
    return editRoom(ctx, roomArg(positionals[0]), settings);
  },
};

/** `editroom <room> <open> <visible>`: the positional form of edit. */
export const editroom: Command = {
  name: "editroom",
  usage: "editroom <room> <open> <visible>",
  summary: "change a room, settings as words (open|closed, visible|hidden)",
  details:
    "<open>: open closed true false yes no 1 0\n" +
    "<visible>: visible hidden true false yes no 1 0\n" +
    "Example: chat editroom ops open visible",
  options: { topic: { type: "string" } },
  minArgs: 2,
  maxArgs: 3,
  chat: { run: (chat, call) => chat.forms.editRoom(call.name, inView(chat, call)) },
  run: (ctx, { values, positionals }) => {
    const [name, open = "", visible] = positionals;
    const settings: RoomSettings = topicOf(values);
    settings.open = openWord(open);
    if (visible !== undefined) settings.visible = visibleWord(visible);
    return editRoom(ctx, roomArg(name), settings);
  },
};

/** `shutdown <room> [--yes]`: archive a room. */
export const shutdown: Command = {
  name: "shutdown",
  usage: "shutdown <room> [--yes]",
  summary: "archive a room for good (admin only)",
  details: "Asks for confirmation on a terminal; elsewhere --yes is required.",
  options: { yes: { type: "boolean", short: "y" } },
  minArgs: 1,
  maxArgs: 1,
  chat: { room: "fill", run: shutdownInChat },
  async run(ctx, { values, positionals }) {
    const room = roomArg(positionals[0]);
    if (values.yes !== true) {
      if (!ctx.io.isTTY || !ctx.io.prompt) {
        throw new UsageError(
          `shutting down #${room} needs confirmation`,
          `add --yes to confirm: chat shutdown ${room} --yes`,
        );
      }
      const isSure = await ctx.io.prompt.confirm(
        `Shut down #${room}? Members lose it and its name stays taken.`,
      );
      if (!isSure) {
        ctx.io.err(`#${room} left as it was`);
        return 1;
      }
    }
    expectReply(await request(ctx, { type: "shutdown", room }), "ok");
    if (ctx.json) ctx.io.json({ room, status: "shutdown" });
    else ctx.io.out(`#${room} was shut down`);
    return 0;
  },
};

// `/edit` and `/editroom` with no room edit the current one (a lone word is the room).
function inView(chat: ChatHost, { args, positionals }: ChatCall): string[] {
  return positionals.length > 0 || !chat.room ? args : [chat.room, ...args];
}

// Only a room's admin is asked to confirm: anyone else is told at once, not after a dialog.
async function shutdownInChat(chat: ChatHost, { args, positionals }: ChatCall): Promise<void> {
  const room = normalizeRoomName(positionals[0] ?? "") ?? "";
  const role = chat.roomInfo(room)?.role;
  // A room the chat has not heard of: the server decides.
  if (role !== undefined && role !== "admin") {
    return chat.error(`only the admin of #${room} may shut it down`);
  }
  await chat.run(["shutdown", ...args], { isTold: true });
}
