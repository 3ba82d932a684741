/**
 * Global options of `chat`, which may stand before or after the command name, and the
 * option parser every command uses.
 */
import type { ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";

/** util.parseArgs option definitions. */
export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Parsed option values (strings, booleans, or arrays of them for `multiple`). */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function optionName(options: OptionsConfig, arg: string): { name: string; inline?: string } {
  if (arg.startsWith("--")) {
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (Object.hasOwn(options, name))
      return eq >= 0 ? { name, inline: arg.slice(eq + 1) } : { name };
  } else {
    const found = Object.entries(options).find(([, o]) => o.short === arg[1]);
    if (found)
      return arg.length > 2 ? { name: found[0], inline: arg.slice(2) } : { name: found[0] };
  }
  throw new UsageError(`unknown option '${arg}'`);
}

/**
 * Parse arguments against util.parseArgs option definitions, as parseArgs does with
 * `strict: true, allowPositionals: true`: `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, `--` ends the options, and `-` alone is a word. Written here because loading
 * node:util costs a one-shot command 2 ms of its start-up. Throws UsageError.
 */
export function parseOptions(
  args: string[],
  options: OptionsConfig,
): { values: OptionValues; positionals: string[] } {
  const values: OptionValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const { name, inline } = optionName(options, arg);
    const option = options[name];
    let value: string | boolean = true;
    if (option?.type === "string") {
      const next = inline ?? args[++i];
      if (next === undefined) throw new UsageError(`option '--${name}' needs a value`);
      value = next;
    } else if (inline !== undefined) {
      throw new UsageError(`option '--${name}' takes no value`);
    }
    if (option?.multiple) values[name] = [...((values[name] as (string | boolean)[]) ?? []), value];
    else values[name] = value;
  }
  return { values, positionals };
}

/** The global options as given (the environment is applied later, in main). */
export interface GlobalOptions {
  server?: string;
  json: boolean;
  noColor: boolean;
  /** Seconds, for connecting and for each reply. */
  timeout?: number;
  configDir?: string;
  ca?: string;
  help: boolean;
  version: boolean;
}

/** util.parseArgs config of the global options; merged into every command's options. */
export const GLOBAL_OPTIONS = {
  server: { type: "string" },
  json: { type: "boolean" },
  "no-color": { type: "boolean" },
  timeout: { type: "string" },
  "config-dir": { type: "string" },
  ca: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const satisfies OptionsConfig;

const TAKES_VALUE = new Set(["--server", "--timeout", "--config-dir", "--ca"]);
const FLAGS = new Set(["--json", "--no-color", "--help", "-h", "--version"]);

/** Usage text of the global options, for `chat help`. */
export const GLOBAL_USAGE = `Global options:
  --server URL      server (env CHAT_SERVER; else the saved login's; else ws://localhost:8765)
  --json            one JSON object per line on stdout
  --no-color        no colour (also NO_COLOR)
  --timeout SECONDS for connecting and for each reply (default 10)
  --config-dir DIR  where auth.json lives (env CHAT_CONFIG_DIR; else ~/.config/chat)
  --ca FILE         CA certificate for wss:// with a private CA (env CHAT_CA)
Environment: CHAT_TOKEN overrides the saved session token.`;

/**
 * Split argv into the leading global options and the rest (the command and its words).
 * Global options after the command are picked up by the command's own parser.
 */
export function splitLeadingGlobals(argv: string[]): { globals: string[]; rest: string[] } {
  let i = 0;
  while (i < argv.length) {
    const word = argv[i] ?? "";
    const name = word.split("=")[0] ?? "";
    if (TAKES_VALUE.has(name)) i += word.includes("=") ? 1 : 2;
    else if (FLAGS.has(word)) i += 1;
    else if (word === "--") {
      i += 1;
      break;
    } else break;
  }
  return { globals: argv.slice(0, Math.min(i, argv.length)), rest: argv.slice(i) };
}

/** Global option values out of a util.parseArgs result. */
export function readGlobalValues(values: Record<string, unknown>): GlobalOptions {
  const opts: GlobalOptions = {
    json: values.json === true,
    noColor: values["no-color"] === true,
    help: values.help === true,
    version: values.version === true,
  };
  if (typeof values.server === "string") opts.server = values.server;
  if (typeof values["config-dir"] === "string") opts.configDir = values["config-dir"];
  if (typeof values.ca === "string") opts.ca = values.ca;
  if (typeof values.timeout === "string") opts.timeout = parseSeconds(values.timeout);
  return opts;
}

/** Merge two global option sets; values in `later` win. */
export function mergeGlobals(earlier: GlobalOptions, later: GlobalOptions): GlobalOptions {
  return {
    ...earlier,
    ...Object.fromEntries(Object.entries(later).filter(([, v]) => v !== undefined && v !== false)),
  } as GlobalOptions;
}

/** A positive number of seconds. */
function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, not '${text}'`);
  }
  return n;
}
