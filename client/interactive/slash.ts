/**
 * Slash commands of the interactive mode: split the line, look the name up in the chat's
 * table, fill in the current room where the command declares one, then run the command's
 * own chat behaviour (or the table's command, its output printed above the prompt) and
 * what it declares for after. No command is known here by name: each declares its chat
 * face in its own module (client/commands/chat-face.ts).
 */
import { parseOptions } from "../args.ts";
import { type Command, splitWords } from "../commands.ts";
import type { ChatCall, ChatHost } from "../commands/chat-face.ts";
import { CancelledError, describeError } from "../errors.ts";
import { makeHost } from "./chat-host.ts";
import { ChatTable } from "./chat-table.ts";
import { showError, showNotice } from "./display.ts";
import type { ChatSession } from "./session.ts";
import type { SlashOptions } from "./table.ts";
import { inChatWords } from "./words.ts";

export type { SlashOptions } from "./table.ts";

/** Make the slash handler a session calls for each `/...` line (`table`: the chat's commands). */
export function makeSlash(
  opts: SlashOptions & { table?: ChatTable },
): (session: ChatSession, line: string) => Promise<void> {
  const table = opts.table ?? new ChatTable();
  // Every command run from the chat, by a form too, is looked up in the chat's table.
  const withTable = { ...opts, find: (name: string) => table.forRun(name) };
  return async (session, line) => {
    try {
      await dispatch(makeHost(session, withTable, table), table, line);
    } catch (err) {
      const c = session.opts.colors;
      if (err instanceof CancelledError) session.print(showNotice("cancelled", c));
      else session.print(showError(inChatWords(describeError(err, opts.server)), c));
    }
  };
}

async function dispatch(chat: ChatHost, table: ChatTable, line: string): Promise<void> {
  const words = splitWords(line);
  const name = (words[0] ?? "").toLowerCase();
  const command = table.find(name);
  if (!command) return unknown(chat, table, name);
  const face = command.chat ?? {};
  if (face.notInChat) return chat.notice(face.notInChat);
  const call = withDefaults(chat, command, name, line);
  if (face.run) return face.run(chat, call);
  const args = await askMissing(chat, command, call);
  if (args === null) return chat.notice("cancelled");
  const code = await chat.run([command.name, ...args], { isTold: face.isTold });
  if (code === 0)
    await face.after?.(chat, { ...call, args, positionals: positionalsOf(command, args) });
}

// Arguments the command needs and was not given are asked for, one dialog each, named by
// the `<placeholders>` of its usage (`/kick` asks for the user). null: a dialog was cancelled.
async function askMissing(
  chat: ChatHost,
  command: Command,
  call: ChatCall,
): Promise<string[] | null> {
  const wanted = [...command.usage.matchAll(/<([^<>]+?)(?:\.\.\.)?>/g)].map((m) => m[1] ?? "");
  const missing = wanted.slice(call.positionals.length, command.minArgs);
  if (missing.length === 0) return call.args;
  const answers: string[] = [];
  for (const what of missing) {
    const answer = await chat.ask((d) => d.text(`/${command.name}: ${what}`));
    if (answer === null || answer.trim() === "") return null;
    answers.push(answer.trim());
  }
  // After `--`: an answer starting with a dash is an argument, not an option.
  return [...call.args, ...(call.args.includes("--") ? [] : ["--"]), ...answers];
}

function unknown(chat: ChatHost, table: ChatTable, name: string): void {
  const close = table.suggest(name);
  const guess = close.length > 0 ? `; did you mean ${close.map((n) => `/${n}`).join(" or ")}?` : "";
  chat.error(`unknown command /${name}${guess} (/help lists the commands)`);
}

// The call as the command runs it: the current room where the command takes one and it was
// left out, and a message's text as it was typed.
function withDefaults(chat: ChatHost, command: Command, name: string, line: string): ChatCall {
  const face = command.chat;
  const typed = splitWords(line).slice(1);
  let args = face?.isText ? textArgs(line, face.room === "hash") : typed;
  const first = positionalsOf(command, typed)[0];
  // A DM view is a target too for a command that names conversations (`/me` in it).
  const isDmTarget = chat.view?.startsWith("@") && command.usage.includes("@user");
  const here = chat.room ?? (isDmTarget ? chat.view : null);
  if (here && face?.room === "hash" && !/^[#@]/.test(first ?? "")) {
    args = [here, ...args];
  } else if (face?.room === "hash" && first?.startsWith("#")) {
    args = [first.slice(1), ...args.slice(1)];
  }
  const given = positionalsOf(command, args).length;
  if (chat.room && face?.room === "fill" && given < Math.max(command.minArgs, 1)) {
    args = [chat.room, ...args];
  }
  return { name, args, positionals: positionalsOf(command, args), line };
}

// `/dm bob  two  spaces`: the text after the first word passed as it was typed (after `--`,
// so a text starting with a dash is not read as an option). `isAll`: the text may start
// right after the name (`/topic new text`), unless the first word names a room.
function textArgs(line: string, isAll: boolean): string[] {
  const afterName = /^\s*\S+\s?([\s\S]*)$/.exec(line)?.[1] ?? "";
  if (isAll && !/^\s*[#@]/.test(afterName)) return afterName.trim() ? ["--", afterName] : [];
  const m = /^\s*(\S+)\s?([\s\S]*)$/.exec(afterName);
  if (!m) return [];
  return m[2] ? [m[1] ?? "", "--", m[2]] : [m[1] ?? ""];
}

/** The words of `args` that are neither options nor option values. */
function positionalsOf(command: Command, args: string[]): string[] {
  try {
    return parseOptions(args, command.options).positionals;
  } catch {
    // An unknown option: the command itself reports it when run.
    return args.filter((a) => !a.startsWith("--"));
  }
}
