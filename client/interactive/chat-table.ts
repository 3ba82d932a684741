/**
 * The command table as the chat sees it: names and IRC aliases, the usage and summary of
 * each command in the chat's words, `/help` laid out for the terminal's width, and
 * suggestions for a mistyped name. Read from the commands' own declarations (their `chat`
 * face), so a command added to the table shows here without a change to this file.
 */
import { CHAT_COMMANDS, type Command } from "../commands.ts";
import type { Colors } from "../render.ts";
import { suggestNames } from "../suggest.ts";
import { inChatWords } from "./words.ts";
import { displayWidth, wrapLine } from "./wrap.ts";

// The widest usage column of `/help` when the terminal is wide enough for two columns.
const USAGE_COLUMN = 26;
// Below this width `/help` puts each summary under its usage.
const TWO_COLUMNS_MIN = 64;

/** The chat's view of a command table. */
export class ChatTable {
  readonly commands: readonly Command[];
  #byName = new Map<string, Command>();

  constructor(commands: readonly Command[] = CHAT_COMMANDS) {
    this.commands = commands;
    for (const command of commands) {
      for (const name of namesOf(command)) this.#byName.set(name, command);
    }
  }

  /** The command with this name, shell alias or chat alias (case-insensitive), or null. */
  find(name: string): Command | null {
    return this.#byName.get(name.toLowerCase()) ?? null;
  }

  /** Every name and alias the chat offers (Tab completes these). */
  names(): string[] {
    return this.#offered().flatMap(namesOf);
  }

  /** The usage of the command named `name` in the chat (after the slash), or null. */
  usageOf(name: string): string | null {
    const command = this.find(name);
    return command && !command.chat?.notInChat ? usage(command) : null;
  }

  /** Names the chat offers that `typed` may have been meant as. */
  suggest(typed: string): string[] {
    return suggestNames(typed, this.names());
  }

  /** The command to run for `name`, its usage errors in the chat's words; or null. */
  forRun(name: string): Command | null {
    const command = this.find(name);
    return command && { ...command, usage: usage(command) };
  }

  /** `/help`: every command the chat offers, fitted to `columns`. */
  help(columns: number, c: Colors): string[] {
    const rows = this.#offered().map((cmd) => [`/${usage(cmd)}`, summary(cmd)] as const);
    const lines = [c.bold("Plain text goes to the current view."), c.bold("Commands:")];
    const isWide = columns >= TWO_COLUMNS_MIN;
    for (const [use, text] of rows) {
      if (isWide && displayWidth(use) <= USAGE_COLUMN) {
        const head = `  ${use.padEnd(USAGE_COLUMN)}  `;
        const [first = "", ...rest] = wrapLine(head + text, columns, head.length);
        lines.push(head + c.dim(first.slice(head.length)), ...rest.map((r) => c.dim(r)));
        continue;
      }
      // The usage on its own rows, the summary under it.
      const hang = isWide ? USAGE_COLUMN + 4 : 6;
      lines.push(...wrapLine(`  ${use}`, columns, 6));
      lines.push(...wrapLine(`${" ".repeat(hang)}${text}`, columns, hang).map((r) => c.dim(r)));
    }
    const aliases = this.#offered().flatMap((cmd) =>
      [...(cmd.aliases ?? []), ...(cmd.chat?.aliases ?? [])].map((a) => `/${a} = /${cmd.name}`),
    );
    if (aliases.length > 0)
      lines.push(...wrapLine(`IRC names: ${aliases.join(", ")}`, columns, 2).map((l) => c.dim(l)));
    const keys =
      "Keys: Tab completes, Up/Down history, Alt-1..9 or Ctrl-N/P switch views, Ctrl-C clears the line, Ctrl-D quits.";
    lines.push(...wrapLine(keys, columns, 2).map((l) => c.dim(l)));
    return lines;
  }

  /** `/help <command>`: its chat usage, summary, aliases and details, fitted to `columns`. */
  commandHelp(command: Command, columns: number): string[] {
    const names = [...(command.aliases ?? []), ...(command.chat?.aliases ?? [])];
    const text = [
      `usage: /${usage(command)}`,
      "",
      summary(command),
      ...(names.length > 0 ? [`also: ${names.map((n) => `/${n}`).join(", ")}`] : []),
      ...(command.details ? ["", inChatWords(command.details)] : []),
    ].join("\n");
    return text.split("\n").flatMap((l) => wrapLine(l, columns, 2));
  }

  #offered(): Command[] {
    return this.commands.filter((c) => !c.chat?.notInChat);
  }
}

function namesOf(command: Command): string[] {
  return [command.name, ...(command.aliases ?? []), ...(command.chat?.aliases ?? [])];
}

// Passwords are asked in a masked dialog in the chat, and a room left out is the current one.
function usage(command: Command): string {
  const given = command.chat?.usage;
  if (given) return given;
  const plain = command.usage.replace(" [--password-stdin]", "");
  if (command.chat?.room !== "fill") return plain;
  return plain.replace(
    /^(\S+) \[?<(room(?:\|@user)?)>\]?/,
    (_, name: string, kind: string) => `${name} [#${kind}]`,
  );
}

// Stdin, exit codes and the shell's own forms belong to the shell, not to the chat.
function summary(command: Command): string {
  if (command.chat?.summary) return command.chat.summary;
  return inChatWords(
    command.summary
      .replace(/[;,]?\s*(text )?- reads stdin/, "")
      .replace(/ \((exit \d+ [^)]*|also `chat [^)]*)?\)/, ""),
  );
}
