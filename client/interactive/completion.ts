/**
 * Tab completion for the chat line: command names after `/`, room names and user names
 * in the argument positions that take them, `#room` and `@user` anywhere, and user names
 * in plain text (mentions). Which names an argument takes is read from the command's usage
 * in the chat. Pure: the caller passes what it knows.
 */
import { argKinds } from "../completion-words.ts";

/** What can be completed. */
export interface CompletionSource {
  /** Command names without the slash. */
  commands: readonly string[];
  /** A command's usage in the chat (`kick [#room] <user>`): which names its arguments take. */
  usage?(command: string): string | null;
  rooms: readonly string[];
  users: readonly string[];
}

type Kind = "room" | "user" | "target";

// The kinds of name an argument takes, read from the chat usage (`kick [#room] <user>`):
// an optional `[#room]` first may be a room as well as what follows it.
function kindsOf(usage: string): { kinds: (Kind | "none")[]; isRoomFirst: boolean } {
  const kinds = argKinds(usage).kinds.map((k) =>
    k.kind === "room" || k.kind === "user" || k.kind === "target" ? k.kind : "none",
  );
  return { kinds, isRoomFirst: /^\S+ \[#room/.test(usage) };
}

/** Complete `line` (the text left of the cursor): candidates and the part they replace. */
export function complete(line: string, source: CompletionSource): [string[], string] {
  const match = /(\S*)$/.exec(line);
  const word = match?.[1] ?? "";
  const before = line.slice(0, line.length - word.length);
  if (before.trim() === "" && word.startsWith("/")) {
    const names = source.commands.map((c) => `/${c}`);
    return finish(names, word);
  }
  if (word.startsWith("#"))
    return finish(
      source.rooms.map((r) => `#${r}`),
      word,
    );
  if (word.startsWith("@"))
    return finish(
      source.users.map((u) => `@${u}`),
      word,
    );
  const kind = argKind(before, source);
  if (kind === "room-or-user") return finish([...source.rooms, ...source.users], word);
  if (kind === "room") return finish(source.rooms, word);
  if (kind === "target") {
    return finish([...source.rooms, ...source.users.map((u) => `@${u}`)], word);
  }
  if (kind === "none") return [[], word];
  return finish(source.users, word);
}

function argKind(
  before: string,
  source: CompletionSource,
): Kind | "room-or-user" | "none" | "text" {
  if (!before.startsWith("/")) return "text";
  const words = before.trim().split(/\s+/);
  const command = (words[0] ?? "").slice(1).toLowerCase();
  const usage = source.usage?.(command);
  if (!usage) return "none";
  const { kinds, isRoomFirst } = kindsOf(usage);
  const at = words.length - 1;
  const kind = kinds[at];
  if (isRoomFirst && at === 0) return kind === "user" ? "room-or-user" : "room";
  const named = isRoomFirst && kind === undefined ? kinds[at - 1] : kind;
  return named === undefined || named === "none" ? textKind(usage) : named;
}

// Text after the named arguments of a message (`<text...>`): complete mentions.
function textKind(usage: string): "user" | "none" {
  return /<text\.\.\.>/.test(usage) ? "user" : "none";
}

function finish(candidates: readonly string[], word: string): [string[], string] {
  const lower = word.toLowerCase();
  const hits = [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort();
  // A single match is completed with a space after it, ready for the next word.
  if (hits.length === 1) return [[`${hits[0]} `], word];
  return [hits, word];
}
