/**
 * Message commands: send, dm, history.
 */
import type {
  ChatMessage,
  ClientMessage,
  DirectMessage,
  ServerMessage,
} from "../../shared/protocol.ts";
import { ConnectionError } from "../errors.ts";
import { dmJson, messageJson, storedJson } from "../json.ts";
import type { Command, CommandContext } from "./types.ts";
import { expectReply, messageText, positiveInt, roomArg, userArg } from "./util.ts";

/**
 * Send once; if the connection drops before the acknowledgement, send again on a new
 * connection with the same client id, so the server stores the message only once.
 */
async function deliver(ctx: CommandContext, msg: ClientMessage): Promise<ServerMessage> {
  try {
    return await (await ctx.connect({ isPipelined: true })).request(msg);
  } catch (err) {
    if (!(err instanceof ConnectionError && err.kind === "closed")) throw err;
    return (await ctx.connect()).request(msg);
  }
}

/** `send <room> <text...>`. */
export const send: Command = {
  name: "send",
  usage: "send <room> <text...>",
  summary: "post to a room (text - reads stdin)",
  details:
    "Exits 0 only once the server has stored the message. `-` as the text sends all of stdin\nas one message. Put -- before text that starts with a dash.\n" +
    'Examples: chat send lobby "deploy done"\n' +
    "          ./report.sh | chat send ops -",
  options: {},
  minArgs: 2,
  // The server echoes a sent message to this connection: it shows once, from there.
  chat: {
    isText: true,
    isTold: true,
    summary: "post to a room (plain text goes to the current one)",
  },
  async run(ctx, { positionals }) {
    const [target, ...words] = positionals;
    const room = roomArg(target);
    const text = await messageText(ctx.io, words);
    const msg: ClientMessage = { type: "send", room, text, clientId: crypto.randomUUID() };
    const reply = expectReply(await deliver(ctx, msg), "sent");
    if (ctx.json) ctx.io.json(messageJson(reply.message));
    return 0;
  },
};

/** `dm <user> <text...>`. */
export const dm: Command = {
  name: "dm",
  aliases: ["msg"],
  usage: "dm <user> <text...>",
  summary: "send a direct message (text - reads stdin)",
  details: "Exits 0 only once the server has stored the message. `-` as the text reads stdin.",
  options: {},
  minArgs: 2,
  chat: { isText: true, isTold: true, summary: "send a direct message (the view stays)" },
  async run(ctx, { positionals }) {
    const [target, ...words] = positionals;
    const to = userArg(target);
    const text = await messageText(ctx.io, words);
    const msg: ClientMessage = { type: "dm", to, text, clientId: crypto.randomUUID() };
    const reply = expectReply(await deliver(ctx, msg), "dm_sent");
    if (ctx.json) ctx.io.json(dmJson(reply.message));
    return 0;
  },
};

/** `history <room|@user> [--limit N] [--before ID]`. */
export const history: Command = {
  name: "history",
  usage: "history <room|@user> [--limit N] [--before ID]",
  summary: "print stored messages of a room or a DM conversation, oldest first",
  details: "--limit N: at most the last N messages. --before ID: those before message ID (paging).",
  options: { limit: { type: "string", short: "n" }, before: { type: "string" } },
  minArgs: 1,
  maxArgs: 1,
  chat: { room: "fill" },
  async run(ctx, { values, positionals }) {
    const target = positionals[0] ?? "";
    const msg: Extract<ClientMessage, { type: "history" }> = target.startsWith("@")
      ? { type: "history", user: userArg(target) }
      : { type: "history", room: roomArg(target) };
    const limit = positiveInt("limit", values.limit);
    if (limit !== undefined) msg.limit = limit;
    if (typeof values.before === "string") msg.before = values.before;
    const messages = await historyPages(ctx, msg, limit);
    if (ctx.json) {
      for (const m of messages) ctx.io.json(storedJson(m));
    } else {
      const { renderStored } = await import("../render.ts");
      for (const m of messages) ctx.io.out(renderStored(m, ctx.io.colors));
    }
    return 0;
  },
};

// Pages a long history needs at most (a page is bounded in bytes, so 200 long messages take
// two or three); past it a server saying `more` forever is not followed.
const HISTORY_PAGES_MAX = 50;

/**
 * The messages `msg` asks for, oldest first: the server bounds a page in bytes and says `more`
 * when it stopped early, so older pages are fetched with `before` until `limit` is reached.
 */
async function historyPages(
  ctx: CommandContext,
  msg: Extract<ClientMessage, { type: "history" }>,
  limit: number | undefined,
): Promise<(ChatMessage | DirectMessage)[]> {
  const conn = await ctx.connect();
  let pages: (ChatMessage | DirectMessage)[][] = [];
  let count = 0;
  let ask = { ...msg };
  for (let i = 0; i < HISTORY_PAGES_MAX; i++) {
    const reply = expectReply(await conn.request(ask), "history");
    const oldest = reply.messages[0];
    pages = [reply.messages, ...pages];
    count += reply.messages.length;
    if (reply.more !== true || !oldest || (limit !== undefined && count >= limit)) break;
    ask = { ...msg, before: oldest.id };
    if (limit !== undefined) ask.limit = limit - count;
  }
  return pages.flat();
}
