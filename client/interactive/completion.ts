/**
 * Tab completion for the chat line: command names after `/`, room names and user names
 * in the argument positions that take them, `#room` and `@user` anywhere, and user names
 * in plain text (mentions). Pure: the caller passes what it knows.
 */

/** What can be completed. */
export interface CompletionSource {
  /** Command names without the slash. */
  commands: readonly string[];
  rooms: readonly string[];
  users: readonly string[];
}

type ArgKind = "room" | "user" | "target";

// Which kind of name each positional argument of a command takes.
const ARG_KINDS: Record<string, readonly ArgKind[]> = {
  join: ["room"],
  leave: ["room"],
  send: ["room"],
  who: ["room"],
  requests: ["room"],
  rooms: [],
  create: [],
  createroom: [],
  edit: ["room"],
  editroom: ["room"],
  shutdown: ["room"],
  approve: ["room", "user"],
  deny: ["room", "user"],
  kick: ["room", "user"],
  dm: ["user"],
  msg: ["user"],
  history: ["target"],
  listen: ["room"],
  help: [],
};

/** Complete `line` (the text left of the cursor): candidates and the part they replace. */
export function complete(line: string, source: CompletionSource): [string[], string] {
  const match = /(\S*)$/.exec(line);
  const word = match?.[1] ?? "";
  const before = line.slice(0, line.length - word.length);
  if (before.trim() === "" && word.startsWith("/")) {
    const names = [...new Set([...source.commands, "quit", "help"])].map((c) => `/${c}`);
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
  const kind = argKind(before);
  if (kind === "room") return finish(source.rooms, word);
  if (kind === "target") {
    return finish([...source.rooms, ...source.users.map((u) => `@${u}`)], word);
  }
  if (kind === "none") return [[], word];
  return finish(source.users, word);
}

function argKind(before: string): ArgKind | "none" | "text" {
  if (!before.startsWith("/")) return "text";
  const words = before.trim().split(/\s+/);
  const command = (words[0] ?? "").slice(1).toLowerCase();
  const kinds = ARG_KINDS[command];
  if (!kinds) return "none";
  // Text after the named arguments of /dm and /send is a message: complete mentions.
  return kinds[words.length - 1] ?? (command === "dm" || command === "send" ? "user" : "none");
}

function finish(candidates: readonly string[], word: string): [string[], string] {
  const lower = word.toLowerCase();
  const hits = [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort();
  // A single match is completed with a space after it, ready for the next word.
  if (hits.length === 1) return [[`${hits[0]} `], word];
  return [hits, word];
}
