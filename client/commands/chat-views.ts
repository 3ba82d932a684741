/**
 * The chat's commands for views (rooms and DM conversations shown one at a time): `/switch`,
 * `/query`, `/r`, `/mentions`, `/back`, `/close`. They exist only in the interactive chat;
 * what they do is the chat's (ChatHost.views).
 */
import { UsageError } from "../errors.ts";
import type { ChatFace } from "./chat-face.ts";
import type { Command } from "./types.ts";

// Never called: the shell's table does not hold these commands.
async function onlyInChat(): Promise<number> {
  throw new UsageError("this command is for the interactive chat", "`chat` starts it");
}

function viewCommand(name: string, usage: string, summary: string, chat: ChatFace): Command {
  return { name, usage, summary, options: {}, minArgs: 0, chat, run: onlyInChat };
}

// The text after the command's name (and after its first word when `skip`), as typed.
function textAfter(line: string, skip: boolean): string {
  const rest = line.replace(/^\s*\S+\s?/, "");
  return skip ? rest.replace(/^\s*\S+\s?/, "") : rest;
}

/** `/switch [#room|@user|n]`: go to a view; alone, a picker with the unread counts. */
export const switchView = viewCommand(
  "switch",
  "switch [#room|@user|n]",
  "go to a view (also Alt-1..9, Ctrl-N/P); alone: a picker with unread counts",
  { aliases: ["window"], run: (chat, { args }) => chat.views.switchTo(args[0] ?? "") },
);

/** `/query <user> [text]`: open the DM view with a user (also `/join @user`). */
export const query = viewCommand(
  "query",
  "query <user> [<text...>]",
  "open a DM view with a user (also /join @user); text is sent there",
  {
    aliases: ["q"],
    run: (chat, { args, line }) => chat.views.query(args[0] ?? "", textAfter(line, true).trim()),
  },
);

/** `/r [text]`: answer the last DM received. */
export const reply = viewCommand(
  "r",
  "r [<text...>]",
  "answer the last DM; alone: go to that conversation",
  { run: (chat, { line }) => chat.views.answer(textAfter(line, false)) },
);

/** `/mentions`: the recent messages that named the user. */
export const mentions = viewCommand(
  "mentions",
  "mentions",
  "recent messages that named you, and the views with unread mentions",
  { run: async (chat) => chat.views.mentions() },
);

/** `/back`: clear the away message (`/away` with none). */
export const back = viewCommand("back", "back", "clear your away message (as /away alone)", {
  run: async (chat) => {
    if ((await chat.run(["away"])) === 0) chat.views.awayChanged(null);
  },
});

/** `/close`: close the current DM view. */
export const close = viewCommand("close", "close", "close the current DM view", {
  run: async (chat) => chat.views.close(),
});

/** The view commands, in the order `/help` lists them. */
export const CHAT_VIEWS: readonly Command[] = [switchView, query, reply, mentions, back, close];
