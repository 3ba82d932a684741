/**
 * Commands that exist only in the interactive chat: `/quit`, `/clear`, and `/nick`, which
 * IRC users type by habit and which is answered rather than refused. They are in the chat's
 * table (client/commands.ts) and never in the shell's.
 */
import { UsageError } from "../errors.ts";
import type { ChatFace } from "./chat-face.ts";
import type { Command } from "./types.ts";

// Never called: the shell's table does not hold these commands.
async function onlyInChat(): Promise<number> {
  throw new UsageError("this command is for the interactive chat", "`chat` starts it");
}

function chatOnly(
  name: string,
  usage: string,
  summary: string,
  chat: ChatFace,
  maxArgs?: number,
): Command {
  return { name, usage, summary, options: {}, minArgs: 0, maxArgs, chat, run: onlyInChat };
}

/** `/quit`: leave the chat. */
export const quit = chatOnly(
  "quit",
  "quit",
  "leave the chat (also Ctrl-D on an empty line)",
  { aliases: ["exit"], run: async (chat) => chat.quit(0) },
  0,
);

/** `/clear`: clear the screen (the messages stay on the server: /history shows them). */
export const clear = chatOnly(
  "clear",
  "clear",
  "clear the screen",
  { run: async (chat) => chat.clear() },
  0,
);

/** `/nick`: names are fixed; say so instead of guessing another command. */
export const nick = chatOnly(
  "nick",
  "nick",
  "names are fixed: explains how to chat under another name",
  {
    run: async (chat) =>
      chat.notice(
        `names are fixed: you are ${chat.me} for good; /register <name> makes another account`,
      ),
  },
);

/** The commands of the chat alone, in the order `/help` lists them (after the table's). */
export const CHAT_ONLY: readonly Command[] = [clear, nick, quit];
