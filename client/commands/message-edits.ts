/**
 * Commands about one's messages and presence beyond sending: me (actions), amend, delete,
 * away.
 */
import type { ClientMessage } from "../../shared/protocol.ts";
import { dmJson, messageJson, storedJson } from "../json.ts";
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
  async run(ctx, { positionals }) {
    const text = positionals.join(" ").trim();
    const msg: ClientMessage = text === "" ? { type: "away" } : { type: "away", message: text };
    expectReply(await request(ctx, msg), "ok");
    if (ctx.json) ctx.io.json({ away: text === "" ? null : text });
    else ctx.io.out(text === "" ? "no longer away" : `away: ${text}`);
    return 0;
  },
};
