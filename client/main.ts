#!/usr/bin/env bun
/**
 * The `chat` program: argv -> a one-shot command from the table, or the interactive mode
 * when there is no command and stdin and stdout are terminals. The only place in the client
 * that reads argv and the environment, writes to the process streams and calls process.exit.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ClientMode } from "../shared/protocol.ts";
import {
  GLOBAL_OPTIONS,
  GLOBAL_USAGE,
  type GlobalOptions,
  mergeGlobals,
  readGlobalValues,
  splitLeadingGlobals,
} from "./args.ts";
import {
  type CommandContext,
  type CommandIO,
  type ConnectOptions,
  commandList,
  help,
  parseCommandLine,
  type PromptHooks,
} from "./commands.ts";
import {
  normalizeServerUrl,
  readAuth,
  resolveConfigDir,
  resolveServer,
  sessionFor,
} from "./config.ts";
import { Connection } from "./connection.ts";
import { CancelledError, ChatError, describeError, exitCodeFor, UsageError } from "./errors.ts";
import { makeColors, shouldUseColor } from "./render.ts";

/** What the interactive mode is started with (client/interactive.ts). */
export interface InteractiveOptions {
  /** The server named by --server, CHAT_SERVER or a URL argument; null: the saved login's. */
  server: string | null;
  configDir: string;
  timeoutMs: number;
  /** PEM text of the CA certificate (--ca / CHAT_CA), read from its file. */
  ca?: string;
  color: boolean;
}

const DEFAULT_TIMEOUT_S = 10;
const env = process.env;

function writeLine(stream: NodeJS.WriteStream, text: string): void {
  stream.write(`${text}\n`);
}

function makeIO(color: boolean, isTTY: boolean): CommandIO {
  let stdin: Promise<string> | null = null;
  const io: CommandIO = {
    out: (text) => writeLine(process.stdout, text),
    json: (obj) => writeLine(process.stdout, JSON.stringify(obj)),
    err: (text) => writeLine(process.stderr, text),
    colors: makeColors(color),
    isTTY,
    readStdin: () => (stdin ??= Bun.stdin.text()),
  };
  if (isTTY) io.prompt = TERMINAL_PROMPTS;
  return io;
}

// Clack is loaded only when a prompt is actually shown.
const TERMINAL_PROMPTS: PromptHooks = {
  async password(message) {
    const clack = await import("@clack/prompts");
    const value = await clack.password({ message, mask: "*" });
    if (clack.isCancel(value)) throw new CancelledError();
    return value;
  },
  async confirm(message) {
    const clack = await import("@clack/prompts");
    const value = await clack.confirm({ message, initialValue: false });
    if (clack.isCancel(value)) throw new CancelledError();
    return value;
  },
};

function readCa(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(
      `cannot read the CA certificate '${path}'`,
      "check the path given to --ca or CHAT_CA",
    );
  }
}

function parseLeading(globals: string[]): GlobalOptions {
  try {
    const { values } = parseArgs({ args: globals, options: GLOBAL_OPTIONS, strict: true });
    return readGlobalValues(values);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      err instanceof Error ? err.message : String(err),
      "`chat help` lists the options",
    );
  }
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
    color: shouldUseColor({ json: false, noColor: opts.noColor, isTTY: true, env }),
  };
  const ca = readCa(opts.ca ?? env.CHAT_CA);
  if (ca) interactiveOpts.ca = ca;
  // Resolved at run time so that one-shot commands never load the interactive code.
  const modulePath = new URL("./interactive.ts", import.meta.url).href;
  const mod = (await import(modulePath)) as {
    runInteractive: (o: InteractiveOptions) => Promise<number>;
  };
  return mod.runInteractive(interactiveOpts);
}

async function main(argv: string[]): Promise<number> {
  const { globals, rest } = splitLeadingGlobals(argv);
  const leading = parseLeading(globals);
  if (leading.version) {
    const pkg = (await import("../package.json")) as { version?: string };
    writeLine(process.stdout, `chat ${pkg.version ?? ""}`);
    return 0;
  }
  const isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (rest.length === 0 && leading.help) {
    writeLine(
      process.stdout,
      `usage: chat [options] <command> [args]\n\n${commandList()}\n\n${GLOBAL_USAGE}`,
    );
    return 0;
  }
  if (rest.length === 0 || (rest.length === 1 && isServerUrl(rest[0]))) {
    if (!isTTY) {
      throw new UsageError(
        "no command given, and the interactive mode needs a terminal",
        "`chat help` lists the commands",
      );
    }
    return startInteractive(leading, rest[0]);
  }
  let parsed = parseCommandLine(rest, GLOBAL_OPTIONS);
  const opts = mergeGlobals(leading, readGlobalValues(parsed.values));
  if (opts.help) parsed = { command: help, values: {}, positionals: [parsed.command.name] };
  return runCommand(parsed, opts, isTTY);
}

async function runCommand(
  parsed: ReturnType<typeof parseCommandLine>,
  opts: GlobalOptions,
  isTTY: boolean,
): Promise<number> {
  const color = shouldUseColor({
    json: opts.json,
    noColor: opts.noColor,
    isTTY: Boolean(process.stdout.isTTY),
    env,
  });
  const io = makeIO(color, isTTY);
  const configDir = resolveConfigDir(opts.configDir);
  const needsConfig = parsed.command !== help;
  const auth = needsConfig ? readAuth(configDir) : { last: null, sessions: {} };
  const server = resolveServer(opts.server ?? env.CHAT_SERVER, auth);
  currentServer = server;
  const token = env.CHAT_TOKEN || sessionFor(auth, server)?.token || null;
  const timeoutMs = (opts.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
  const ca = readCa(opts.ca ?? env.CHAT_CA);
  const controller = new AbortController();
  const connections: Connection[] = [];
  const ctx: CommandContext = {
    io,
    server,
    configDir,
    token,
    json: opts.json,
    timeoutMs,
    signal: controller.signal,
    async connect(connectOpts: ConnectOptions = {}) {
      const {
        auth: withAuth = true,
        mode = "oneshot" as ClientMode,
        reconnect = false,
      } = connectOpts;
      if (withAuth && !token) throw new ChatError("auth_required", `not logged in to ${server}`);
      const conn = await Connection.open({
        url: server,
        timeoutMs,
        mode,
        reconnect,
        token: withAuth ? token : null,
        ...(ca ? { ca } : {}),
      });
      connections.push(conn);
      return conn;
    },
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

// Waits until stdout and stderr have taken everything written, then exits.
function finish(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  // The reader went away (`chat listen | head -1`): nothing more to say to anyone.
  if (err.code === "EPIPE") process.exit(0);
});

try {
  finish(await main(process.argv.slice(2)));
} catch (err) {
  writeLine(process.stderr, describeError(err, currentServer));
  finish(exitCodeFor(err));
}
