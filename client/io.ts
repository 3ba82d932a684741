/**
 * The one-shot face's terminal: where lines go, terminal checks, prompts.
 *
 * The process streams are never touched: the first use of process.stdout, process.stderr
 * or node:tty costs about 10 ms of start-up, more than the whole of a one-shot
 * `chat send` is allowed. Lines go out with console.log and console.error, which write
 * each line at once (also into a pipe) and lose nothing at exit. A long-running command
 * (`listen`) writes through the descriptor instead, to notice a reader that went away.
 *
 * Every write goes through the funnel of terminal-text.ts: what a command prints, and every
 * diagnostic, is made inert for a terminal here, whatever the command put into it.
 */
import type { GlobalOptions } from "./args.ts";
import type { CommandIO, PromptHooks } from "./commands/types.ts";
import { CancelledError, UsageError } from "./errors.ts";
import { cancelOnCtrlD } from "./prompt-cancel.ts";
import type * as Render from "./render.ts";
import { jsonLine, toTerminal } from "./terminal-text.ts";

const fs = () => require("node:fs") as typeof import("node:fs");

/** Standard descriptors. */
export const STDIN = 0;
export const STDOUT = 1;
const STDERR = 2;

/** Write one line, all of it, now; exit quietly when the reader has gone (EPIPE). */
function writeLine(fd: number, text: string): void {
  let bytes = Buffer.from(`${text}\n`);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(fs().writeSync(fd, bytes));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A full non-blocking pipe: wait for the reader.
      if (code === "EAGAIN") Bun.sleepSync(1);
      // The reader went away (`chat listen | head -1`): nobody is left to tell.
      else if (code === "EPIPE") process.exit(0);
      else throw err;
    }
  }
}

/** Print one line on stdout, made inert (one string argument: console.log does no formatting). */
export function printLine(text: string): void {
  console.log(toTerminal(text));
}

/** Print one line on stderr, made inert. */
export function printError(text: string): void {
  console.error(toTerminal(text));
}

let nullDevice: number | undefined;

/** Whether a descriptor is a terminal: a character device other than /dev/null. */
export function isTerminal(fd: number): boolean {
  if (process.platform === "win32") {
    return Boolean((require("node:tty") as typeof import("node:tty")).isatty(fd));
  }
  try {
    const stat = fs().fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    nullDevice ??= fs().statSync("/dev/null").rdev;
    return stat.rdev !== nullDevice;
  } catch {
    return false;
  }
}

/**
 * The IO handed to commands. Whether stdin and stdout are terminals, and the colours,
 * are found out on first use: `chat send` needs neither.
 */
export function makeIO(
  opts: Pick<GlobalOptions, "json" | "noColor">,
  env: Record<string, string | undefined>,
  isLongRunning = false,
): CommandIO {
  let stdin: Promise<string> | null = null;
  let isTTY: boolean | undefined;
  let colors: CommandIO["colors"] | undefined;
  // console.log ignores a closed pipe; a long-running reader must notice it and stop.
  const raw = isLongRunning
    ? (text: string) => writeLine(STDOUT, text)
    : (text: string) => console.log(text);
  return {
    out: (text) => raw(toTerminal(text)),
    // jsonLine escapes every control character: the line is inert as it is.
    json: (obj) => raw(jsonLine(obj)),
    err: isLongRunning ? (text) => writeLine(STDERR, toTerminal(text)) : printError,
    get colors() {
      if (!colors) {
        // render.ts is loaded only by commands that print for people.
        const { makeColors, shouldUseColor } = require("./render.ts") as typeof Render;
        const isTTY = isTerminal(STDOUT);
        colors = makeColors(shouldUseColor({ json: opts.json, noColor: opts.noColor, isTTY, env }));
      }
      return colors;
    },
    get isTTY() {
      isTTY ??= isTerminal(STDIN) && isTerminal(STDOUT);
      return isTTY;
    },
    readStdin: () => (stdin ??= Bun.stdin.text()),
    prompt: TERMINAL_PROMPTS,
  };
}

// Clack is loaded only when a prompt is actually shown.
const TERMINAL_PROMPTS: PromptHooks = {
  async password(message) {
    const clack = await import("@clack/prompts");
    const value = await cancelOnCtrlD(process.stdin, (signal) =>
      clack.password({ message: toTerminal(message), mask: "*", signal }),
    );
    if (clack.isCancel(value)) throw new CancelledError();
    return value;
  },
  async confirm(message) {
    const clack = await import("@clack/prompts");
    const value = await cancelOnCtrlD(process.stdin, (signal) =>
      clack.confirm({ message: toTerminal(message), initialValue: false, signal }),
    );
    if (clack.isCancel(value)) throw new CancelledError();
    return value;
  },
};

/** The PEM text of the CA file given to --ca or CHAT_CA, if any. */
export function readCa(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return fs().readFileSync(path, "utf8");
  } catch {
    throw new UsageError(
      `cannot read the CA certificate '${path}'`,
      "check the path given to --ca or CHAT_CA",
    );
  }
}
