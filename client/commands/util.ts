/**
 * Helpers shared by the commands: names, text, passwords, yes/no words.
 */
import {
  type ClientMessage,
  LIMITS,
  normalizeRoomName,
  normalizeUserName,
  type ServerMessage,
  type ServerMessageType,
} from "../../shared/protocol.ts";
import { ChatError, UsageError } from "../errors.ts";
import type { CommandContext, CommandIO } from "./types.ts";

/** A room name from the command line (`#` allowed), or a usage error. */
export function roomArg(raw: string | undefined): string {
  const room = normalizeRoomName(raw ?? "");
  if (!room) {
    throw new UsageError(
      `'${raw ?? ""}' is not a valid room name`,
      "room names are 1-32 characters of a-z 0-9 _ -, starting with a letter or digit",
    );
  }
  return room;
}

/** A user name from the command line (`@` allowed), or a usage error. */
export function userArg(raw: string | undefined): string {
  const text = raw ?? "";
  const user = normalizeUserName(text.startsWith("@") ? text.slice(1) : text);
  if (!user) {
    throw new UsageError(
      `'${text}' is not a valid user name`,
      "user names are 1-32 characters of a-z 0-9 _ -, starting with a letter or digit",
    );
  }
  return user;
}

/** Message text from the words after the target; `-` alone reads all of stdin. */
export async function messageText(io: CommandIO, words: string[]): Promise<string> {
  let text = words.length === 1 && words[0] === "-" ? await io.readStdin() : words.join(" ");
  if (words.length === 1 && words[0] === "-") text = text.replace(/\r?\n$/, "");
  if (text.trim() === "") {
    throw new UsageError(
      "the message is empty",
      "give the text as arguments, or `-` to read stdin",
    );
  }
  if (text.trim().length > LIMITS.textMax) {
    throw new UsageError(
      `the message is ${text.trim().length} characters long; the limit is ${LIMITS.textMax}`,
      "split it into several messages",
    );
  }
  return text;
}

/** Connect (the context connects once) and send one request; resolves with its reply. */
export async function request(ctx: CommandContext, msg: ClientMessage): Promise<ServerMessage> {
  const conn = await ctx.connect();
  return conn.request(msg);
}

/** Check that a reply has the expected type (a server speaking another protocol otherwise). */
export function expectReply<T extends ServerMessageType>(
  reply: ServerMessage,
  type: T,
): Extract<ServerMessage, { type: T }> {
  if (reply.type !== type) {
    throw new ChatError("internal", `unexpected reply '${reply.type}' from the server`);
  }
  return reply as Extract<ServerMessage, { type: T }>;
}

/** The example of --password-stdin for `chat <command>`: one password, or old and new. */
export function passwordStdinHint(command: string, isOldAndNew = false): string {
  const printf = isOldAndNew
    ? `printf '%s\\n%s\\n' "$OLD_PASSWORD" "$NEW_PASSWORD"`
    : `printf '%s\\n' "$PASSWORD"`;
  return `pipe it in with --password-stdin, e.g. ${printf} | chat ${command} --password-stdin`;
}

/**
 * Passwords for a command: `count` lines of stdin with --password-stdin, otherwise masked
 * prompts (one per label) when a terminal is there to ask on; never from argv.
 */
export async function readPasswords(
  ctx: CommandContext,
  fromStdin: boolean,
  labels: string[],
  hint: string,
): Promise<string[]> {
  if (fromStdin) {
    const lines = (await ctx.io.readStdin()).split(/\r?\n/);
    const passwords = lines.slice(0, labels.length);
    if (passwords.length < labels.length || passwords.some((p) => p === "")) {
      throw new UsageError(
        `--password-stdin expects ${labels.length === 1 ? "the password" : `${labels.length} lines (${labels.join(", then ")})`} on stdin`,
        hint,
      );
    }
    return passwords;
  }
  const prompt = ctx.io.prompt;
  if (!ctx.io.isTTY || !prompt) {
    throw new UsageError("no terminal to ask for the password on", hint);
  }
  const answers: string[] = [];
  for (const label of labels) answers.push(await prompt.password(label));
  return answers;
}

/** A password long enough for the server, or a usage error. */
export function checkPassword(password: string): string {
  if (password.length < LIMITS.passwordMin) {
    throw new UsageError(`the password must be at least ${LIMITS.passwordMin} characters long`);
  }
  if (password.length > LIMITS.passwordMax) {
    throw new UsageError(`the password must be at most ${LIMITS.passwordMax} characters long`);
  }
  return password;
}

const YES = new Set(["true", "yes", "1", "y", "on"]);
const NO = new Set(["false", "no", "0", "n", "off"]);

/** `open closed true false yes no 1 0` as a boolean (`open` is true). */
export function openWord(word: string): boolean {
  const w = word.toLowerCase();
  if (w === "open" || YES.has(w)) return true;
  if (w === "closed" || NO.has(w)) return false;
  throw new UsageError(`'${word}' is not one of open closed true false yes no 1 0`);
}

/** `visible hidden true false yes no 1 0` as a boolean (`visible` is true). */
export function visibleWord(word: string): boolean {
  const w = word.toLowerCase();
  if (w === "visible" || YES.has(w)) return true;
  if (w === "hidden" || NO.has(w)) return false;
  throw new UsageError(`'${word}' is not one of visible hidden true false yes no 1 0`);
}

/** A positive integer option value. */
export function positiveInt(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive whole number, not '${String(value)}'`);
  }
  return n;
}
