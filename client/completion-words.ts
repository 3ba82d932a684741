/**
 * What `chat <words...>` can go on with: command names and aliases, options, and room and
 * user names where a command's usage takes them. Everything is read from the command table
 * (names, aliases, options, the `<placeholders>` of the usage line), so a new command
 * completes without a change here. Pure: names come from the caller.
 */
import type { OptionsConfig } from "./args.ts";
import type { Command } from "./commands/types.ts";

/** What a positional argument takes: a name kind, fixed words (`<bash|zsh|fish>`), or text. */
export type ArgKind =
  { kind: "room" | "user" | "target" | "command" | "none" } | { kind: "words"; words: string[] };

/** One candidate: the word, and a description for the shells that show one. */
export interface Candidate {
  word: string;
  description?: string;
}

/** Global options found among the words: they say which server the names come from. */
export interface CompletionGlobals {
  server?: string;
  configDir?: string;
  ca?: string;
}

/** Where room and user names come from (a cache, a server, or a test's list). */
export type NameSource = (
  kind: "rooms" | "users",
  globals: CompletionGlobals,
) => Promise<readonly string[]>;

/** The answer: candidates, and whether file names fit here too (an option's value). */
export interface Completion {
  candidates: Candidate[];
  isFiles: boolean;
}

const NAMED_KINDS: Record<string, ArgKind> = {
  room: { kind: "room" },
  user: { kind: "user" },
  "room|@user": { kind: "target" },
  command: { kind: "command" },
};

/**
 * The kind of each positional argument, read from a usage line such as
 * `approve <room> <user>` or `listen [<room>...]`; `rest` is what a trailing `...` repeats.
 */
export function argKinds(usage: string): { kinds: ArgKind[]; rest: ArgKind | null } {
  const kinds: ArgKind[] = [];
  let rest: ArgKind | null = null;
  for (const match of usage.matchAll(/<([^<>]+?)(\.\.\.)?>(\]?\.\.\.)?/g)) {
    const name = match[1] ?? "";
    const alternatives = name.split("|");
    const kind: ArgKind =
      NAMED_KINDS[name] ??
      (alternatives.length > 1 && alternatives.every((w) => /^[a-z][a-z0-9-]*$/.test(w))
        ? { kind: "words", words: alternatives }
        : { kind: "none" });
    kinds.push(kind);
    if (match[2] || match[3]) rest = kind;
  }
  return { kinds, rest };
}

interface OptionInfo {
  name: string;
  takesValue: boolean;
}

function findOption(word: string, options: OptionsConfig): OptionInfo | null {
  const long = word.startsWith("--") ? (word.slice(2).split("=")[0] ?? "") : null;
  for (const [name, option] of Object.entries(options)) {
    const isHit = long !== null ? name === long : option.short === word[1];
    if (isHit) return { name, takesValue: option.type === "string" };
  }
  return null;
}

/** The state after the words before the one being completed. */
interface Walk {
  /** undefined: no command word yet; null: a word that names no command. */
  command: Command | null | undefined;
  position: number;
  globals: CompletionGlobals;
  /** The option whose value is the word being completed, if any. */
  pendingValue: string | null;
  isOptionsEnded: boolean;
}

function remember(globals: CompletionGlobals, name: string, value: string): void {
  if (name === "server") globals.server = value;
  else if (name === "config-dir") globals.configDir = value;
  else if (name === "ca") globals.ca = value;
}

function walk(done: string[], table: CompletionTable): Walk {
  const state: Walk = {
    command: undefined,
    position: 0,
    globals: {},
    pendingValue: null,
    isOptionsEnded: false,
  };
  for (const word of done) {
    if (state.pendingValue !== null) {
      remember(state.globals, state.pendingValue, word);
      state.pendingValue = null;
    } else if (!state.isOptionsEnded && word === "--") {
      state.isOptionsEnded = state.command !== undefined;
    } else if (!state.isOptionsEnded && word.startsWith("-") && word !== "-") {
      const option = findOption(word, optionsOf(state.command, table));
      const eq = word.indexOf("=");
      if (option && eq >= 0) remember(state.globals, option.name, word.slice(eq + 1));
      else if (option?.takesValue && (word.startsWith("--") || word.length === 2)) {
        state.pendingValue = option.name;
      }
    } else if (state.command === undefined) {
      state.command = table.find(word);
    } else state.position += 1;
  }
  return state;
}

/** The command table as completion reads it. */
export interface CompletionTable {
  commands: readonly Command[];
  globalOptions: OptionsConfig;
  /** The command with this name or alias, or null. */
  find(name: string): Command | null;
}

function optionsOf(command: Command | null | undefined, table: CompletionTable): OptionsConfig {
  return command ? { ...table.globalOptions, ...command.options } : table.globalOptions;
}

function byPrefix(candidates: Candidate[], word: string): Candidate[] {
  const lower = word.toLowerCase();
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (seen.has(c.word) || !c.word.toLowerCase().startsWith(lower)) return false;
    seen.add(c.word);
    return true;
  });
}

function commandCandidates(table: CompletionTable): Candidate[] {
  return table.commands.flatMap((c) =>
    [c.name, ...(c.aliases ?? [])].map((word) => ({ word, description: c.summary })),
  );
}

async function nameCandidates(
  kind: ArgKind,
  word: string,
  globals: CompletionGlobals,
  names: NameSource,
): Promise<Candidate[]> {
  const plain = (list: readonly string[], mark: string) =>
    list.map((name) => ({ word: word.startsWith(mark) ? `${mark}${name}` : name }));
  if (kind.kind === "room") return plain(await names("rooms", globals), "#");
  if (kind.kind === "user") return plain(await names("users", globals), "@");
  if (kind.kind === "target") {
    const [rooms, users] = await Promise.all([names("rooms", globals), names("users", globals)]);
    return [...plain(rooms, "#"), ...users.map((u) => ({ word: `@${u}` }))];
  }
  if (kind.kind === "words") return kind.words.map((w) => ({ word: w }));
  return [];
}

/** Complete the last of `words` (the words after the program name; the last may be ""). */
export async function completeWords(
  words: readonly string[],
  table: CompletionTable,
  names: NameSource,
): Promise<Completion> {
  const word = words.at(-1) ?? "";
  const state = walk(words.slice(0, -1), table);
  const none: Completion = { candidates: [], isFiles: false };
  if (state.pendingValue !== null) return { candidates: [], isFiles: true };
  if (state.command === null) return none;
  if (!state.isOptionsEnded && word.startsWith("-")) {
    const options = Object.keys(optionsOf(state.command, table)).map((n) => ({ word: `--${n}` }));
    return { candidates: byPrefix(options, word), isFiles: false };
  }
  if (state.command === undefined) {
    return { candidates: byPrefix(commandCandidates(table), word), isFiles: false };
  }
  const { kinds, rest } = argKinds(state.command.usage);
  const kind = kinds[state.position] ?? rest ?? { kind: "none" };
  if (kind.kind === "command") {
    return { candidates: byPrefix(commandCandidates(table), word), isFiles: false };
  }
  const candidates = await nameCandidates(kind, word, state.globals, names);
  return { candidates: byPrefix(candidates, word), isFiles: false };
}
