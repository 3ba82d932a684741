/**
 * `completion <bash|zsh|fish>`: print a shell's completion script. The scripts call back
 * `chat completion complete -- <words...>`, which prints the candidates for the last word,
 * read from the command table and, for room and user names, from the saved server.
 */
import { UsageError } from "../errors.ts";
import type { CompletionGlobals, Completion, CompletionTable } from "../completion-words.ts";
import type { Names } from "../completion-names.ts";
import type { Command, CommandContext } from "./types.ts";

const INSTALL = `Install (then open a new shell):
  bash  echo 'source <(chat completion bash)' >> ~/.bashrc
  zsh   echo 'source <(chat completion zsh)' >> ~/.zshrc   (after compinit)
  fish  chat completion fish > ~/.config/fish/completions/chat.fish
Room and user names come from the saved server, cached for a minute.`;

/** The commands completion reads: the table that lists this command hands itself in. */
export type CommandTable = Pick<CompletionTable, "commands" | "find">;

/**
 * `completion <bash|zsh|fish>`: print a completion script. Made by the command table, which
 * passes `table` (read when a line is completed): importing the table here would be a cycle.
 */
export function completionCommand(table: () => CommandTable): Command {
  return {
    name: "completion",
    usage: "completion <bash|zsh|fish>",
    summary: "print a shell completion script (bash, zsh or fish)",
    details: INSTALL,
    options: {},
    minArgs: 1,
    chat: { notInChat: "shell completion is for the shell: run `chat completion bash`" },
    async run(ctx, { positionals }) {
      const [what = "", ...words] = positionals;
      if (what === "complete") return printCompletion(ctx, await completeLine(ctx, table(), words));
      const { completionScript, isShell } = await import("../completion-scripts.ts");
      if (!isShell(what) || words.length > 0) {
        throw new UsageError(
          `completion: '${positionals.join(" ")}' is not one of bash, zsh, fish`,
          "usage: chat completion <bash|zsh|fish>",
        );
      }
      ctx.io.out(completionScript(what).trimEnd());
      return 0;
    },
  };
}

async function completeLine(
  ctx: CommandContext,
  commands: CommandTable,
  words: string[],
): Promise<Completion> {
  const [{ GLOBAL_OPTIONS }, { completeWords }] = await Promise.all([
    import("../args.ts"),
    import("../completion-words.ts"),
  ]);
  const table = { ...commands, globalOptions: GLOBAL_OPTIONS };
  let names: Promise<Names> | null = null;
  return completeWords(words, table, async (kind, globals) => {
    names ??= savedServerNames(ctx, globals);
    return (await names)[kind];
  });
}

function printCompletion(ctx: CommandContext, completion: Completion): number {
  for (const { word, description } of completion.candidates) {
    ctx.io.out(description ? `${word}\t${description}` : word);
  }
  if (completion.isFiles) ctx.io.out(":files");
  return 0;
}

/** The names of the server the words (or else the saved login) point at; none without a session. */
async function savedServerNames(ctx: CommandContext, globals: CompletionGlobals): Promise<Names> {
  const config = await import("../config.ts");
  const configDir = globals.configDir ?? ctx.configDir;
  const auth = config.readAuth(configDir);
  const server = globals.server
    ? config.normalizeServerUrl(globals.server)
    : globals.configDir
      ? (auth.last ?? ctx.server)
      : ctx.server;
  const session = config.sessionFor(auth, server);
  const token = session?.token ?? (server === ctx.server ? ctx.token : null);
  if (!token) return { rooms: [], users: [] };
  const [{ loadNames }, { stateDir }] = await Promise.all([
    import("../completion-names.ts"),
    import("../interactive/history-file.ts"),
  ]);
  return loadNames({
    server,
    user: session?.user ?? "",
    stateDir: stateDir(),
    now: Date.now(),
    fetch: () => fetchNames(server, token, globals.ca),
  });
}

async function fetchNames(
  server: string,
  token: string,
  caFile: string | undefined,
): Promise<Names> {
  const [{ Connection }, { NAMES_TIMEOUT_MS }, { readCa }] = await Promise.all([
    import("../connection.ts"),
    import("../completion-names.ts"),
    import("../io.ts"),
  ]);
  const ca = readCa(caFile ?? process.env.CHAT_CA);
  const conn = await Connection.open({
    url: server,
    timeoutMs: NAMES_TIMEOUT_MS,
    mode: "oneshot",
    ...(ca ? { ca } : {}),
  });
  try {
    const [, rooms, who] = await Promise.all([
      conn.authenticate(token),
      conn.request({ type: "rooms" }),
      conn.request({ type: "who" }),
    ]);
    return {
      rooms: rooms.type === "rooms" ? rooms.rooms.map((r) => r.name) : [],
      users: who.type === "who" ? who.users.map((u) => u.user) : [],
    };
  } finally {
    conn.close();
  }
}
