#!/usr/bin/env bun
/**
 * The `chat` program: argv -> a one-shot command from the table, or the interactive mode
 * when there is no command and stdin and stdout are terminals. The only place in the client
 * that reads argv and the environment, writes to the process streams and calls process.exit.
 */
import {
  GLOBAL_OPTIONS,
  GLOBAL_USAGE,
  type GlobalOptions,
  mergeGlobals,
  parseOptions,
  readGlobalValues,
  splitLeadingGlobals,
} from "./args.ts";
import type { InteractiveOptions } from "./interactive.ts";
import type {
  CommandContext,
  CommandIO,
  ConnectOptions,
  ParsedCommandLine,
  PromptHooks,
} from "./commands.ts";
import { loadCommand } from "./commands/load.ts";
import { parseArgsOf } from "./commands/parse-args.ts";
import {
  type AuthFile,
  loadAuth,
  normalizeServerUrl,
  resolveConfigDir,
  resolveServer,
  sessionFor,
} from "./config.ts";
import { Connection } from "./connection.ts";
import { ChatError, describeError, exitCodeFor, UsageError } from "./errors.ts";
import { isTerminal, makeIO, printError, printLine, readCa, STDIN, STDOUT } from "./io.ts";

const DEFAULT_TIMEOUT_S = 10;
const env = process.env;

function parseLeading(globals: string[]): GlobalOptions {
  const { values, positionals } = parseOptions(globals, GLOBAL_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}'`);
  return readGlobalValues(values);
}

function isServerUrl(word: string | undefined): word is string {
  return word !== undefined && /^(wss?|https?):\/\//i.test(word);
}

async function startInteractive(opts: GlobalOptions, urlArg: string | undefined): Promise<number> {
  const explicit = urlArg ?? opts.server ?? env.CHAT_SERVER;
  const interactiveOpts: InteractiveOptions = {
    server: explicit ? normalizeServerUrl(explicit) : null,
    configDir: resolveConfigDir(opts.configDir),
    timeoutMs: (opts.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    color: (await import("./render.ts")).shouldUseColor({
      json: false,
      noColor: opts.noColor,
      isTTY: true,
      env,
    }),
  };
  const ca = readCa(opts.ca ?? env.CHAT_CA);
  if (ca) interactiveOpts.ca = ca;
  // Imported here, on the interactive path only: one-shot commands never load it.
  const { runInteractive } = await import("./interactive.ts");
  return runInteractive(interactiveOpts);
}

async function main(argv: string[]): Promise<number> {
  const { globals, rest } = splitLeadingGlobals(argv);
  const leading = parseLeading(globals);
  if (leading.version) {
    printLine(`chat ${(await import("../shared/version.ts")).VERSION}`);
    return 0;
  }
  if (rest.length === 0 && leading.help) {
    const { commandList } = await import("./commands.ts");
    printLine(`usage: chat [options] <command> [args]\n\n${commandList()}\n\n${GLOBAL_USAGE}`);
    return 0;
  }
  if (rest.length === 0 || (rest.length === 1 && isServerUrl(rest[0]))) {
    if (!isTerminal(STDIN) || !isTerminal(STDOUT)) {
      throw new UsageError(
        "no command given, and the interactive mode needs a terminal",
        "`chat help` lists the commands",
      );
    }
    return startInteractive(leading, rest[0]);
  }
  const [name = "", ...args] = rest;
  const early = startEarly(leading, name);
  const command = await loadCommand(name);
  currentCommand = command?.name ?? "";
  if (!command) throw (await import("./commands.ts")).unknownCommand(name);
  const end = args.indexOf("--");
  const options = end < 0 ? args : args.slice(0, end);
  if (options.includes("--help") || options.includes("-h")) {
    const { help } = await import("./commands.ts");
    return runCommand({ command: help, values: {}, positionals: [command.name] }, leading, early);
  }
  const parsed = parseArgsOf(command, args, GLOBAL_OPTIONS);
  const opts = mergeGlobals(leading, readGlobalValues(parsed.values));
  return runCommand(parsed, opts, early);
}

function sameGlobals(opts: GlobalOptions, early: EarlyStart): boolean {
  return opts.timeout === early.leading.timeout && opts.ca === early.leading.ca;
}

/** Work started while the command's module loads: auth.json read, the server dialled. */
interface EarlyStart {
  leading: GlobalOptions;
  configDir: string;
  /** null when it could not be read: the command reads it again and reports why. */
  auth: AuthFile | null;
  /** The server dialled, and an unauthenticated one-shot connection to it. */
  dial: { server: string; conn: Promise<Connection> } | null;
}

// Commands that dial nothing at start: `listen` makes a reconnecting connection of its own,
// `completion` a short-lived one, `help` and `version` none.
const OFFLINE_COMMANDS = new Set(["listen", "help", "version", "completion"]);

const ignore = () => {
  // Reported when (and only if) the command uses the result.
};

// A one-shot command spends most of its life loading code and waiting for the network:
// overlap the two. A guess that turns out wrong (a global option after the command) is
// dropped and done again.
function startEarly(leading: GlobalOptions, name: string): EarlyStart {
  const configDir = resolveConfigDir(leading.configDir);
  const early: EarlyStart = { leading, configDir, auth: null, dial: null };
  try {
    early.auth = loadAuth(configDir);
    if (name === "" || OFFLINE_COMMANDS.has(name)) return early;
    const server = resolveServer(leading.server ?? env.CHAT_SERVER, early.auth);
    const ca = readCa(leading.ca ?? env.CHAT_CA);
    const timeoutMs = (leading.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
    const conn = Connection.open({
      url: server,
      timeoutMs,
      mode: "oneshot",
      ...(ca ? { ca } : {}),
    });
    conn.catch(ignore);
    early.dial = { server, conn };
  } catch {
    // Whatever failed here fails again, and is reported, when the command runs.
  }
  return early;
}

/** Where and how commands connect. */
interface Target {
  server: string;
  token: string | null;
  timeoutMs: number;
  ca: string | undefined;
}

/**
 * The `connect` of a command's context: the early connection when it fits (one-shot, no
 * reconnect), else a new one. Every connection made is added to `made`, to be closed.
 */
function makeConnector(
  target: Target,
  early: Promise<Connection> | null,
  made: Connection[],
): CommandContext["connect"] {
  let dialled = early;
  return async (opts: ConnectOptions = {}) => {
    const { auth = true, mode = "oneshot", reconnect = false, isPipelined = false } = opts;
    const { server, token, timeoutMs, ca } = target;
    if (auth && !token) throw new ChatError("auth_required", `not logged in to ${server}`);
    if (dialled && mode === "oneshot" && !reconnect) {
      const pending = dialled;
      dialled = null;
      const conn = await pending;
      made.push(conn);
      if (auth && token) {
        const authenticating = conn.authenticate(token);
        if (isPipelined) authenticating.catch(ignore);
        else await authenticating;
      }
      return conn;
    }
    const conn = await Connection.open({
      url: server,
      timeoutMs,
      mode,
      reconnect,
      token: auth ? token : null,
      ...(ca ? { ca } : {}),
      ...(opts.resume ? { resume: true } : {}),
      ...(opts.since === undefined ? {} : { since: opts.since }),
    });
    made.push(conn);
    return conn;
  };
}

async function runCommand(
  parsed: ParsedCommandLine,
  opts: GlobalOptions,
  early: EarlyStart,
): Promise<number> {
  const configDir = resolveConfigDir(opts.configDir);
  const auth = (configDir === early.configDir && early.auth) || loadAuth(configDir);
  const server = resolveServer(opts.server ?? env.CHAT_SERVER, auth);
  currentServer = server;
  const token = env.CHAT_TOKEN || sessionFor(auth, server)?.token || null;
  const timeoutMs = (opts.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
  const target: Target = { server, token, timeoutMs, ca: readCa(opts.ca ?? env.CHAT_CA) };
  // The early connection fits when the options after the command changed nothing about it.
  const guess = early.dial;
  const fits = guess !== null && guess.server === server && sameGlobals(opts, early);
  if (guess && !fits) guess.conn.then((conn) => conn.close(), ignore);
  const controller = new AbortController();
  const connections: Connection[] = [];
  const ctx: CommandContext = {
    io: makeIO(opts, env, parsed.command.isLongRunning === true),
    server,
    configDir,
    token,
    json: opts.json,
    timeoutMs,
    signal: controller.signal,
    connect: makeConnector(target, fits ? guess.conn : null, connections),
  };
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    if (parsed.command.isLongRunning) controller.abort(signal);
    else finish(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  try {
    return await parsed.command.run(ctx, parsed);
  } finally {
    for (const conn of connections) conn.close();
  }
}

let currentServer: string | undefined;
let currentCommand = "";

// Output is written synchronously: nothing is pending at exit.
function finish(code: number): void {
  process.exit(code);
}

try {
  finish(await main(process.argv.slice(2)));
} catch (err) {
  const helpFor = currentCommand ? `chat help ${currentCommand}` : "chat help";
  const withHint =
    err instanceof UsageError && !err.hint
      ? new UsageError(err.message, `\`${helpFor}\` shows the usage`)
      : err;
  printError(describeError(withHint, currentServer));
  finish(exitCodeFor(err));
}
