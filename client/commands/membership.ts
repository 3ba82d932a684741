/**
 * Membership commands: join, leave, requests, approve, deny, kick, who.
 */
import type { ClientMessage, WhoEntry } from "../../shared/protocol.ts";
import { whoJson } from "../json.ts";
import { renderTable, renderWho } from "../render.ts";
import type { ChatHost } from "./chat-face.ts";
import type { Command, CommandContext } from "./types.ts";
import { expectReply, request, roomArg, userArg } from "./util.ts";

/** `join <room>`. */
export const join: Command = {
  name: "join",
  usage: "join <room>",
  summary: "join a room, or ask to join a closed one",
  options: {},
  minArgs: 1,
  maxArgs: 1,
  chat: {
    aliases: ["j"],
    summary: "join a room (or ask to) and switch to it",
    // Alone: a picker of the views with their counts; `@user`: that DM view.
    run: (chat, { args, line }) =>
      args.length === 0
        ? chat.views.switchTo("")
        : args[0]?.startsWith("@")
          ? chat.views.query(args[0], line.replace(/^\s*\S+\s+\S+\s?/, "").trim())
          : args.length === 1
            ? joinInChat(chat, args[0] ?? "")
            : chat.run(["join", ...args]).then(() => {}),
  },
  async run(ctx, { positionals }) {
    const reply = expectReply(
      await request(ctx, { type: "join", room: roomArg(positionals[0]) }),
      "joined",
    );
    if (ctx.json) ctx.io.json({ room: reply.room, status: reply.status });
    else if (reply.status === "joined") ctx.io.out(`joined #${reply.room}`);
    else if (reply.status === "already") ctx.io.out(`already a member of #${reply.room}`);
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
  // The room is taken from the call, not from the view: the event that tells of the leave
  // has moved the view on by the time the command returns.
  chat: {
    aliases: ["part"],
    room: "fill",
    isTold: true,
    after: (chat, { positionals }) => chat.left(roomArg(positionals[0])),
  },
  async run(ctx, { positionals }) {
    const room = roomArg(positionals[0]);
    expectReply(await request(ctx, { type: "leave", room }), "ok");
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
    const reply = expectReply(await request(ctx, msg), "requests");
    if (ctx.json) {
      for (const r of reply.requests) ctx.io.json({ room: r.room, user: r.user });
    } else if (reply.requests.length === 0) {
      ctx.io.out("no pending requests");
    } else {
      const rows = reply.requests.map((r) => [`#${r.room}`, r.user]);
      ctx.io.out(renderTable(["ROOM", "USER"], rows, ctx.io.colors, ctx.io.columns));
    }
    if (reply.more === true) ctx.io.err("more requests wait; they are listed as these are decided");
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
    // A kick is told by the event that follows; a decision without a user picks a request.
    chat:
      name === "kick"
        ? { room: "fill", isTold: true }
        : {
            run: (chat, { positionals: [room, user] }) =>
              user === undefined
                ? chat.forms.decide(name, room)
                : chat.run([name, room ?? "", user]).then(() => {}),
          },
    async run(ctx, { positionals }) {
      const room = roomArg(positionals[0]);
      const user = userArg(positionals[1]);
      expectReply(await request(ctx, { type: name, room, user }), "ok");
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
  chat: { aliases: ["names"], room: "fill", summary: "who is in the current room (or another)" },
  minArgs: 0,
  maxArgs: 1,
  async run(ctx, { positionals }) {
    const room = positionals[0] ? roomArg(positionals[0]) : undefined;
    const { users, isCut } = await whoPages(ctx, room);
    if (ctx.json) for (const user of users) ctx.io.json(whoJson(user));
    else ctx.io.out(renderWho(users, ctx.io.colors, ctx.io.columns));
    if (isCut) ctx.io.err("the list was cut short; `chat who ROOM` lists all of a room's members");
    return 0;
  },
};

// Pages of a room's members followed at most (1,000 members each): past it a server that
// keeps saying `next` is not followed.
const WHO_PAGES_MAX = 1000;

/** Every member of `room` page by page; without a room the one list the server gives. */
async function whoPages(
  ctx: CommandContext,
  room: string | undefined,
): Promise<{ users: WhoEntry[]; isCut: boolean }> {
  const users: WhoEntry[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < WHO_PAGES_MAX; i++) {
    const msg: ClientMessage = room === undefined ? { type: "who" } : { type: "who", room };
    if (cursor !== undefined && msg.type === "who") msg.cursor = cursor;
    const reply = expectReply(await request(ctx, msg), "who");
    users.push(...reply.users);
    const next = typeof reply.next === "string" && reply.next > (cursor ?? "") ? reply.next : null;
    if (room === undefined || next === null) return { users, isCut: reply.more === true };
    cursor = next;
  }
  return { users, isCut: true };
}

/** `/join <room>` in the chat: switch to a room one is in, else join it (or ask to). */
async function joinInChat(chat: ChatHost, raw: string): Promise<void> {
  const room = roomArg(raw);
  const role = () => chat.roomInfo(room)?.role;
  if (role() === "member" || role() === "admin") return chat.enter(room);
  // The table's words are for scripts; here the outcome is told in the chat's own words.
  if ((await chat.run(["join", room], { isTold: true })) !== 0) return;
  await chat.refreshRooms();
  if (role() === "member" || role() === "admin") return chat.enter(room);
  chat.notice(`asked to join #${room}; you will be told when its admin decides`);
}
