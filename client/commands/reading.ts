/**
 * Read marker commands: unread, read, conversations (SPEC 5.2). What is unread comes from the
 * server's counts (`rooms`, `conversations`), so every device of a user agrees.
 */
import type { ClientMessage, ConversationInfo, RoomInfo } from "../../shared/protocol.ts";
import { dmJson } from "../json.ts";
import { formatTime, renderTable } from "../render.ts";
import { roomPages, ROOMS_LIMIT } from "./rooms.ts";
import type { Command, CommandContext } from "./types.ts";
import { expectReply, positiveInt, request, roomArg, userArg } from "./util.ts";

/** Conversations `chat conversations` and `chat unread` list at most unless told otherwise. */
export const CONVERSATIONS_LIMIT = 10_000;

// Characters of a last message shown in the conversations table.
const PREVIEW_CHARS = 60;

/** A room or conversation as `unread --json` prints it. */
function unreadJson(
  target: { room: string } | { user: string },
  n: { unread?: number; mentions?: number },
): Record<string, unknown> {
  return { ...target, ...countsJson(n) };
}

/** Counts as `--json` prints them. */
function countsJson(n: { unread?: number; mentions?: number }): Record<string, number> {
  return { unread: n.unread ?? 0, mentions: n.mentions ?? 0 };
}

/** A conversation as `conversations --json` prints it. */
function conversationJson(c: ConversationInfo): Record<string, unknown> {
  return { user: c.user, unread: c.unread, mentions: c.mentions, last: dmJson(c.last) };
}

/**
 * Up to `limit` conversations after the last id `after`, page by page; `next` is where to go
 * on when some remain. A server whose `next` does not move back in time is not followed.
 */
export async function conversationPages(
  ctx: CommandContext,
  limit: number,
  after?: string,
): Promise<{ list: ConversationInfo[]; next?: string }> {
  const list: ConversationInfo[] = [];
  let cursor = after;
  for (;;) {
    const msg: ClientMessage = { type: "conversations", limit: Math.min(200, limit - list.length) };
    if (cursor !== undefined) msg.cursor = cursor;
    const reply = expectReply(await request(ctx, msg), "conversations");
    const taken = reply.conversations.slice(0, limit - list.length);
    list.push(...taken);
    const last = list.at(-1)?.last.id;
    if (taken.length < reply.conversations.length && last !== undefined)
      return { list, next: last };
    const next =
      typeof reply.next === "string" && (cursor === undefined || reply.next < cursor)
        ? reply.next
        : null;
    if (next === null) return { list };
    cursor = next;
    if (list.length >= limit) return { list, next };
  }
}

/** `unread`: the rooms and conversations with messages after the read marker. */
export const unread: Command = {
  name: "unread",
  usage: "unread",
  summary: "rooms and DM conversations with unread messages, and mentions of you",
  details:
    "Counts are the server's: messages of others after your read marker (`chat read`), and\n" +
    "those naming you (as a word or as @you), among the messages the server keeps.",
  options: {},
  minArgs: 0,
  maxArgs: 0,
  async run(ctx) {
    const rooms = (await roomPages(ctx, ROOMS_LIMIT)).list.filter(hasUnread);
    const convs = (await conversationPages(ctx, CONVERSATIONS_LIMIT)).list.filter(hasUnread);
    if (ctx.json) {
      for (const r of rooms) ctx.io.json(unreadJson({ room: r.name }, r));
      for (const c of convs) ctx.io.json(unreadJson({ user: c.user }, c));
      return 0;
    }
    if (rooms.length + convs.length === 0) {
      ctx.io.out("nothing unread");
      return 0;
    }
    const rows = [
      ...rooms.map((r) => [`#${r.name}`, String(r.unread), String(r.mentions ?? 0)]),
      ...convs.map((c) => [`@${c.user}`, String(c.unread), String(c.mentions)]),
    ];
    ctx.io.out(renderTable(["WHERE", "UNREAD", "MENTIONS"], rows, ctx.io.colors, ctx.io.columns));
    return 0;
  },
};

function hasUnread(x: RoomInfo | ConversationInfo): boolean {
  return (x.unread ?? 0) > 0;
}

/** `read <room|@user> [ID]`: move the read marker, to the newest message by default. */
export const read: Command = {
  name: "read",
  usage: "read <room|@user> [ID]",
  summary: "mark a room or DM conversation read (up to message ID, or everything)",
  details:
    "For all your devices. The marker never moves back: an ID before it changes nothing.\n" +
    "Examples: chat read lobby\n" +
    "          chat read @bob 019ab3c4-...",
  options: {},
  minArgs: 1,
  maxArgs: 2,
  chat: { room: "fill" },
  async run(ctx, { positionals }) {
    const [raw = "", given] = positionals;
    const target = raw.startsWith("@") ? { user: userArg(raw) } : { room: roomArg(raw) };
    const where = "room" in target ? `#${target.room}` : `@${target.user}`;
    const upTo = given ?? (await newestId(ctx, target));
    if (upTo === null) {
      if (ctx.json) ctx.io.json({ ...target, upTo: null, unread: 0, mentions: 0 });
      else ctx.io.out(`nothing to mark read in ${where}`);
      return 0;
    }
    const reply = expectReply(await request(ctx, { type: "read", ...target, upTo }), "read");
    if (ctx.json) {
      ctx.io.json({ ...target, upTo: reply.upTo, ...countsJson(reply) });
      return 0;
    }
    const left = (reply.unread ?? 0) > 0 ? `; ${reply.unread} unread after it` : "";
    ctx.io.out(`${where} read up to ${reply.upTo}${left}`);
    return 0;
  },
};

/** The id of the newest message of a room or conversation, or null when there is none. */
async function newestId(
  ctx: CommandContext,
  target: { room: string } | { user: string },
): Promise<string | null> {
  const reply = expectReply(
    await request(ctx, { type: "history", ...target, limit: 1 }),
    "history",
  );
  return reply.messages.at(-1)?.id ?? null;
}

/** `conversations [--limit N] [--after ID]`: DM partners, newest conversation first. */
export const conversations: Command = {
  name: "conversations",
  usage: "conversations [--limit N] [--after ID]",
  summary: "list your DM conversations, newest first, with unread counts",
  details:
    `The server answers a page at a time (200 by default); this fetches every page, up to\n` +
    `--limit conversations (default ${CONVERSATIONS_LIMIT}). When more remain it says so on\n` +
    `stderr, with the --after ID to go on from.`,
  options: { limit: { type: "string", short: "n" }, after: { type: "string" } },
  minArgs: 0,
  maxArgs: 0,
  async run(ctx, { values }) {
    const limit = positiveInt("limit", values.limit) ?? CONVERSATIONS_LIMIT;
    const after = typeof values.after === "string" ? values.after : undefined;
    const { list, next } = await conversationPages(ctx, limit, after);
    if (ctx.json) for (const c of list) ctx.io.json(conversationJson(c));
    else if (list.length === 0) ctx.io.out("no conversations yet; start one with `chat dm`");
    else ctx.io.out(renderConversations(list, ctx));
    if (next !== undefined) {
      ctx.io.err(`more conversations: chat conversations --after ${next}`);
    }
    return 0;
  },
};

function renderConversations(list: ConversationInfo[], ctx: CommandContext): string {
  const rows = list.map((c) => {
    const text = c.last.text.replace(/\s+/g, " ");
    const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
    return [
      `@${c.user}`,
      String(c.unread),
      String(c.mentions),
      formatTime(c.last.ts, true),
      `${c.last.from}: ${preview}`,
    ];
  });
  return renderTable(
    ["WITH", "UNREAD", "MENTIONS", "LAST", "MESSAGE"],
    rows,
    ctx.io.colors,
    ctx.io.columns,
  );
}
