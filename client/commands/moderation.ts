/**
 * A room's topic and its admin's tools beyond kick: topic, ban, unban, bans, invite,
 * uninvite, handover.
 */
import type { ClientMessage, RoomInfo } from "../../shared/protocol.ts";
import { ChatError } from "../errors.ts";
import { renderTable } from "../render.ts";
import { roomPages } from "./rooms.ts";
import type { Command, CommandContext } from "./types.ts";
import { expectReply, request, roomArg, userArg } from "./util.ts";

/**
 * The room `name` as the caller may see it. Read from the one page of `rooms` that starts right
 * before the name: the cursor sorts after every name before it and before the name itself.
 */
async function findRoom(ctx: CommandContext, name: string): Promise<RoomInfo> {
  const before = name.slice(0, -1) + String.fromCharCode(name.charCodeAt(name.length - 1) - 1);
  const { list } = await roomPages(ctx, 1, `${before}\uffff`);
  const room = list.find((r) => r.name === name);
  if (!room) throw new ChatError("not_found", `no such room '${name}'`);
  return room;
}

/** `topic <room> [text...]`: show a room's topic, or set it (admin only). */
export const topic: Command = {
  name: "topic",
  usage: "topic <room> [<text...>]",
  summary: "show a room's topic, or set it (admin only; - reads stdin)",
  details:
    'Without text: prints the topic. With text: sets it (at most 200 characters); "" clears it.\n' +
    'Example: chat topic lobby "release on Friday"',
  options: {},
  minArgs: 1,
  chat: {
    usage: "topic [#room] [<text...>]",
    summary: "show the topic of the current room (or another), or set it",
    room: "hash",
    isText: true,
  },
  async run(ctx, { positionals }) {
    const [raw, ...words] = positionals;
    const room = roomArg(raw);
    if (words.length === 0) {
      const info = await findRoom(ctx, room);
      if (ctx.json) ctx.io.json({ room, topic: info.topic });
      else ctx.io.out(info.topic ? `#${room}: ${info.topic}` : `#${room} has no topic`);
      return 0;
    }
    const text =
      words.length === 1 && words[0] === "-" ? await ctx.io.readStdin() : words.join(" ");
    const reply = expectReply(await request(ctx, { type: "edit", room, topic: text }), "room");
    if (ctx.json) ctx.io.json({ room, topic: reply.room.topic });
    else if (reply.room.topic) ctx.io.out(`topic of #${room}: ${reply.room.topic}`);
    else ctx.io.out(`cleared the topic of #${room}`);
    return 0;
  },
};

type AdminVerb = "ban" | "unban" | "invite" | "uninvite" | "handover";

/** An admin command on one user of one room, answered `ok`. */
function adminCommand(name: AdminVerb, summary: string, status: string, done: string): Command {
  return {
    name,
    usage: `${name} <room> <user>`,
    summary,
    details: DETAILS[name],
    options: {},
    minArgs: 2,
    maxArgs: 2,
    chat: { room: "fill" },
    async run(ctx, { positionals }) {
      const room = roomArg(positionals[0]);
      const user = userArg(positionals[1]);
      expectReply(await request(ctx, { type: name, room, user }), "ok");
      if (ctx.json) ctx.io.json({ room, user, status });
      else ctx.io.out(done.replace("USER", user).replace("ROOM", `#${room}`));
      return 0;
    },
  };
}

const DETAILS: Record<AdminVerb, string> = {
  ban:
    "Removes a member (or drops their request, or their invite) and refuses their joins and\n" +
    "requests until `chat unban`. They are told. Banning someone banned already changes nothing.",
  unban: "Lets a banned user join or ask to join again.",
  invite:
    "The user may then join the room at once, closed or hidden, and is told (live, or when\n" +
    "they next catch up). Inviting a banned user lifts the ban. The invite is used by joining.",
  uninvite: "Withdraws an invite that was not used yet.",
  handover:
    "Makes another member the room's admin. You stay a member, and may then leave the room.",
};

/** `ban <room> <user>`. */
export const ban = adminCommand(
  "ban",
  "remove a user from a room and keep them out",
  "banned",
  "banned USER from ROOM",
);
/** `unban <room> <user>`. */
export const unban = adminCommand("unban", "lift a ban", "unbanned", "USER may join ROOM again");
/** `invite <room> <user>`. */
export const invite = adminCommand(
  "invite",
  "let a user join a closed or hidden room at once",
  "invited",
  "invited USER to ROOM",
);
/** `uninvite <room> <user>`. */
export const uninvite = adminCommand(
  "uninvite",
  "withdraw an unused invite",
  "uninvited",
  "withdrew the invite of USER to ROOM",
);
/** `handover <room> <user>`. */
export const handover = adminCommand(
  "handover",
  "make another member the room's admin",
  "handed_over",
  "USER is now the admin of ROOM",
);

// Pages of bans followed at most (each up to the server's page size): past it a server that
// keeps saying `next` is not followed.
const BANS_PAGES_MAX = 1000;

/** `bans <room>`: the users banned from a room (admin only). */
export const bans: Command = {
  name: "bans",
  usage: "bans <room>",
  summary: "list the users banned from a room you administer",
  options: {},
  minArgs: 1,
  maxArgs: 1,
  chat: { room: "fill" },
  async run(ctx, { positionals }) {
    const room = roomArg(positionals[0]);
    const users: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < BANS_PAGES_MAX; i++) {
      const msg: ClientMessage = { type: "bans", room };
      if (cursor !== undefined) msg.cursor = cursor;
      const reply = expectReply(await request(ctx, msg), "bans");
      users.push(...reply.users);
      const next =
        typeof reply.next === "string" && reply.next > (cursor ?? "") ? reply.next : null;
      if (next === null) break;
      cursor = next;
    }
    if (ctx.json) for (const user of users) ctx.io.json({ room, user });
    else if (users.length === 0) ctx.io.out(`nobody is banned from #${room}`);
    else
      ctx.io.out(
        renderTable(
          ["USER"],
          users.map((u) => [u]),
          ctx.io.colors,
          ctx.io.columns,
        ),
      );
    return 0;
  },
};
