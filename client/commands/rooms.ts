/**
 * Room commands: rooms, create/createroom, edit/editroom, shutdown, join, leave,
 * requests, approve, deny, kick, who.
 */
import type { ClientMessage, RoomInfo } from "../../shared/protocol.ts";
import { UsageError } from "../errors.ts";
import { roomJson, whoJson } from "../json.ts";
import { renderRooms, renderTable, renderWho } from "../render.ts";
import type { Command, CommandContext, CommandArgs } from "./types.ts";
import { expectReply, openWord, roomArg, userArg, visibleWord } from "./util.ts";

async function call(ctx: CommandContext, msg: ClientMessage) {
  const conn = await ctx.connect();
  return conn.request(msg);
}

function describeRoom(room: RoomInfo): string {
  const topic = room.topic ? `, topic "${room.topic}"` : "";
  return `#${room.name} (${room.open ? "open" : "closed"}, ${room.visible ? "visible" : "hidden"}${topic})`;
}

function printRoom(ctx: CommandContext, verb: string, room: RoomInfo): number {
  if (ctx.json) ctx.io.json(roomJson(room));
  else ctx.io.out(`${verb} ${describeRoom(roomJson(room) as unknown as RoomInfo)}`);
  return 0;
}

/** `rooms`: the rooms the caller can see. */
export const rooms: Command = {
  name: "rooms",
  usage: "rooms",
  summary: "list rooms: visible ones and yours",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const reply = expectReply(await call(ctx, { type: "rooms" }), "rooms");
    if (ctx.json) for (const room of reply.rooms) ctx.io.json(roomJson(room));
    else ctx.io.out(renderRooms(reply.rooms, ctx.io.colors));
    return 0;
  },
};

async function createRoom(
  ctx: CommandContext,
  room: string,
  settings: { open?: boolean; visible?: boolean; topic?: string },
): Promise<number> {
  const reply = expectReply(await call(ctx, { type: "create", room, ...settings }), "room");
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
  settings: { open?: boolean; visible?: boolean; topic?: string },
): Promise<number> {
  if (Object.keys(settings).length === 0) {
    throw new UsageError(
      "nothing to change",
      "give --open or --closed, --visible or --hidden, or --topic T",
    );
  }
  const reply = expectReply(await call(ctx, { type: "edit", room, ...settings }), "room");
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
  run: (ctx, { values, positionals }) => {
    const settings: { open?: boolean; visible?: boolean; topic?: string } = topicOf(values);
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
  run: (ctx, { values, positionals }) => {
    const [name, open = "", visible] = positionals;
    const settings: { open?: boolean; visible?: boolean; topic?: string } = topicOf(values);
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
    expectReply(await call(ctx, { type: "shutdown", room }), "ok");
    if (ctx.json) ctx.io.json({ room, status: "shutdown" });
    else ctx.io.out(`#${room} was shut down`);
    return 0;
  },
};

/** `join <room>`. */
export const join: Command = {
  name: "join",
  usage: "join <room>",
  summary: "join a room, or ask to join a closed one",
  options: {},
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, { positionals }) {
    const reply = expectReply(
      await call(ctx, { type: "join", room: roomArg(positionals[0]) }),
      "joined",
    );
    if (ctx.json) ctx.io.json({ room: reply.room, status: reply.status });
    else if (reply.status === "joined") ctx.io.out(`joined #${reply.room}`);
    else ctx.io.out(`asked to join #${reply.room}; its admin decides (see \`chat listen\`)`);
    return 0;
  },
};

/** `leave <room>`. */
export const leave: Command = {
  name: "leave",
  usage: "leave <room>",
  summary: "leave a room",
  options: {},
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, { positionals }) {
    const room = roomArg(positionals[0]);
    expectReply(await call(ctx, { type: "leave", room }), "ok");
    if (ctx.json) ctx.io.json({ room, status: "left" });
    else ctx.io.out(`left #${room}`);
    return 0;
  },
};

/** `requests [<room>]`: pending join requests in the caller's rooms. */
export const requests: Command = {
  name: "requests",
  usage: "requests [<room>]",
  summary: "pending join requests in rooms you administer",
  options: {},
  minArgs: 0,
  maxArgs: 1,
  async run(ctx, { positionals }) {
    const msg: ClientMessage = positionals[0]
      ? { type: "requests", room: roomArg(positionals[0]) }
      : { type: "requests" };
    const reply = expectReply(await call(ctx, msg), "requests");
    if (ctx.json) {
      for (const r of reply.requests) ctx.io.json({ room: r.room, user: r.user });
    } else if (reply.requests.length === 0) {
      ctx.io.out("no pending requests");
    } else {
      const rows = reply.requests.map((r) => [`#${r.room}`, r.user]);
      ctx.io.out(renderTable(["ROOM", "USER"], rows, ctx.io.colors));
    }
    return 0;
  },
};

function decision(name: "approve" | "deny" | "kick", summary: string, done: string): Command {
  return {
    name,
    usage: `${name} <room> <user>`,
    summary,
    options: {},
    minArgs: 2,
    maxArgs: 2,
    async run(ctx, { positionals }) {
      const room = roomArg(positionals[0]);
      const user = userArg(positionals[1]);
      expectReply(await call(ctx, { type: name, room, user }), "ok");
      const status = { approve: "approved", deny: "denied", kick: "kicked" }[name];
      if (ctx.json) ctx.io.json({ room, user, status });
      else ctx.io.out(done.replace("USER", user).replace("ROOM", `#${room}`));
      return 0;
    },
  };
}

/** `approve <room> <user>`. */
export const approve = decision(
  "approve",
  "let a user into a closed room",
  "approved USER in ROOM",
);
/** `deny <room> <user>`. */
export const deny = decision("deny", "refuse a join request", "denied USER's request to join ROOM");
/** `kick <room> <user>`. */
export const kick = decision("kick", "remove a member from a room", "kicked USER from ROOM");

/** `who [<room>]`: members with status and typing. */
export const who: Command = {
  name: "who",
  usage: "who [<room>]",
  summary: "who is there: a room's members, or everyone you share a room with",
  options: {},
  minArgs: 0,
  maxArgs: 1,
  async run(ctx, { positionals }) {
    const msg: ClientMessage = positionals[0]
      ? { type: "who", room: roomArg(positionals[0]) }
      : { type: "who" };
    const reply = expectReply(await call(ctx, msg), "who");
    if (ctx.json) for (const user of reply.users) ctx.io.json(whoJson(user));
    else ctx.io.out(renderWho(reply.users, ctx.io.colors));
    return 0;
  },
};
