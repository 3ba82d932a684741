/**
 * Commands about one's messages and presence beyond sending: me (actions), amend, delete,
 * away.
 */
import type { ClientMessage } from "../../shared/protocol.ts";
import { dmJson, messageJson, storedJson } from "../json.ts";
import type { ChatCall, ChatHost } from "./chat-face.ts";
import type { Command } from "./types.ts";
import { expectReply, messageText, request, roomArg, userArg } from "./util.ts";

/** A room, or a DM partner written `@user`: what amend and delete name a message in. */
function conversation(raw: string | undefined): { room: string } | { user: string } {
  return raw?.startsWith("@") ? { user: userArg(raw) } : { room: roomArg(raw) };
}

/** `me <room|@user> <text...>`: an action, shown as `* alice waves`. */
export const me: Command = {
  name: "me",
  usage: "me <room|@user> <text...>",
  summary: "post an action to a room or a user, shown as `* you text` (text - reads stdin)",
  details: 'Example: chat me lobby "waves"   (others see: * alice waves)',
  options: {},
  minArgs: 2,
  // In the chat the current view (a room or a DM) is the target unless one is named first.
  chat: {
    usage: "me [#room|@user] <text...>",
    summary: "an action in the current view, shown as `* you text`",
    room: "hash",
    isText: true,
    isTold: true,
  },
  async run(ctx, { positionals }) {
    const [target, ...words] = positionals;
    const to = conversation(target);
    const text = await messageText(ctx.io, words);
    const clientId = crypto.randomUUID();
    if ("user" in to) {
      const msg: ClientMessage = { type: "dm", to: to.user, text, clientId, action: true };
      const reply = expectReply(await request(ctx, msg), "dm_sent");
      if (ctx.json) ctx.io.json(dmJson(reply.message));
      return 0;
    }
    const msg: ClientMessage = { type: "send", room: to.room, text, clientId, action: true };
    const reply = expectReply(await request(ctx, msg), "sent");
    if (ctx.json) ctx.io.json(messageJson(reply.message));
    return 0;
  },
};

/** `amend <room|@user> <id> <text...>`: change the text of one's own message. */
export const amend: Command = {
  name: "amend",
  usage: "amend <room|@user> <id> <text...>",
  summary: "change the text of a message you sent (text - reads stdin)",
  details:
    "The id is the message's `id` (see `chat history --json`). Members see the new text, marked\n" +
    "edited. Example: chat amend lobby 019ab... 'deploy done at 5'",
  options: {},
  minArgs: 3,
  chat: {
    usage: "amend [last|<id>] [<text...>]",
    summary: "change a message you sent here: `last`, or pick one",
    run: amendInChat,
  },
  async run(ctx, { positionals }) {
    const [target, id = "", ...words] = positionals;
    const text = await messageText(ctx.io, words);
    const msg: ClientMessage = { type: "amend", ...conversation(target), messageId: id, text };
    const reply = expectReply(await request(ctx, msg), "updated");
    if (ctx.json) ctx.io.json(storedJson(reply.message));
    else ctx.io.out("amended");
    return 0;
  },
};

/** `delete <room|@user> <id>`: delete a message. */
export const deleteMessage: Command = {
  name: "delete",
  usage: "delete <room|@user> <id>",
  summary: "delete a message you sent (a room's admin: any message in it)",
  details: "Its text is gone from the server for good; history shows that a message was deleted.",
  options: {},
  minArgs: 2,
  maxArgs: 2,
  chat: {
    usage: "delete [last|<id>]",
    summary: "delete a message you sent here: `last`, or pick one",
    run: async (chat, call) => {
      const picked = await pickOwn(chat, call.positionals, "Delete which message?");
      if (picked) await chat.run(["delete", picked.target, picked.id], { isTold: true });
    },
  },
  async run(ctx, { positionals }) {
    const [target, id = ""] = positionals;
    const msg: ClientMessage = { type: "delete", ...conversation(target), messageId: id };
    const reply = expectReply(await request(ctx, msg), "updated");
    if (ctx.json) ctx.io.json(storedJson(reply.message));
    else ctx.io.out("deleted");
    return 0;
  },
};

/** `away [message...]`: set an away message, or clear it. */
export const away: Command = {
  name: "away",
  usage: "away [<message...>]",
  summary: "set an away message (shown in who and presence), or clear it with none",
  details:
    "At most 200 characters, on one line. It stays until cleared (or the server restarts).\n" +
    'Examples: chat away "at lunch"    chat away',
  options: {},
  minArgs: 0,
  chat: {
    after: (chat, { positionals }) => chat.views.awayChanged(positionals.join(" ").trim() || null),
  },
  async run(ctx, { positionals }) {
    const text = positionals.join(" ").trim();
    const msg: ClientMessage = text === "" ? { type: "away" } : { type: "away", message: text };
    expectReply(await request(ctx, msg), "ok");
    if (ctx.json) ctx.io.json({ away: text === "" ? null : text });
    else ctx.io.out(text === "" ? "no longer away" : `away: ${text}`);
    return 0;
  },
};

/** One's own message picked in the chat, and the words after its name. */
interface Picked {
  target: string;
  id: string;
  text: string;
  rest: string[];
}

// Of one's own messages, the newest this many are offered in the chat's picker.
const PICKER_SIZE = 10;

/**
 * In the chat a message is named in the current view (or a `#room`/`@user` given first):
 * `last` is one's newest message there, an id names one, nothing opens a picker of the
 * newest ones. Ids need not be copied: `last` and the picker cover what a chat needs.
 */
async function pickOwn(chat: ChatHost, words: string[], question: string): Promise<Picked | null> {
  const [first, ...others] = words;
  const isTarget = first !== undefined && /^[#@]/.test(first);
  const target = isTarget ? first.replace(/^#/, "") : chat.room;
  const [name, ...rest] = isTarget ? others : words;
  if (!target) {
    chat.error("not in a room: /join one, or name it first (#room or @user)");
    return null;
  }
  const where = target.startsWith("@") ? { user: target.slice(1) } : { room: target };
  const reply = await chat.request({ type: "history", ...where, limit: 50 });
  const own = (reply.type === "history" ? reply.messages : []).filter(
    (m) => m.from === chat.me && m.deleted !== true,
  );
  if (name !== undefined && name !== "last") {
    return { target, id: name, text: own.find((m) => m.id === name)?.text ?? "", rest };
  }
  const newest = own.at(-1);
  if (!newest) {
    chat.error(`no message of yours among the recent ones in ${isTarget ? first : `#${target}`}`);
    return null;
  }
  if (name === "last") return { target, id: newest.id, text: newest.text, rest };
  // Loaded here: a one-shot `chat me` does not pay for the renderer.
  const { formatTime } = await import("../render.ts");
  const choices = own
    .slice(-PICKER_SIZE)
    .reverse()
    .map((m) => ({
      value: m.id,
      label: `${formatTime(m.ts)} ${m.text.replace(/\s+/g, " ").slice(0, 60)}`,
    }));
  const id = await chat.ask((d) => d.select(question, choices));
  if (id === null) return null;
  return { target, id, text: own.find((m) => m.id === id)?.text ?? "", rest };
}

// `/amend last new text`, `/amend <id> new text`; without the text, it is asked for,
// starting from the message as it is.
async function amendInChat(chat: ChatHost, call: ChatCall): Promise<void> {
  const picked = await pickOwn(chat, call.positionals, "Change which message?");
  if (!picked) return;
  const text =
    picked.rest.length > 0
      ? picked.rest.join(" ")
      : await chat.ask((d) => d.text("New text", { initial: picked.text }));
  if (text === null || text === "") return chat.notice("cancelled");
  // The change shows through the update event that follows, in the view it was made in.
  await chat.run(["amend", picked.target, picked.id, "--", text], { isTold: true });
}
