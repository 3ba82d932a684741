/**
 * The client's errors and the one place that turns them into exit codes and advice.
 *
 * Wire errors keep the server's code (ChatError); problems found before anything is sent
 * are UsageError (exit 2); a server that cannot be reached or does not answer in time is
 * ConnectionError (exit 7).
 */
import { ChatError } from "../shared/errors.ts";
import { EXIT_CODE_FOR_ERROR, type ErrorCode, sanitizeText } from "../shared/protocol.ts";

/** Exit codes of `chat` (SPEC section 3). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  forbidden: 5,
  conflict: 6,
  connection: 7,
  interrupted: 130,
} as const;

/** An `error` reply from the server, or a client-side check with the same meaning. */
export { ChatError };

/** The command line is wrong: a missing argument, an unknown option, a bad value. */
export class UsageError extends Error {
  /** What to do instead, printed on its own line (for example a usage line). */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** Why a connection failed: never reached, no reply in time, or dropped. */
export type ConnectionFailure = "connect" | "timeout" | "closed";

/** The server could not be reached, did not answer in time, or went away. */
export class ConnectionError extends Error {
  readonly kind: ConnectionFailure;

  constructor(kind: ConnectionFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionError";
    this.kind = kind;
  }
}

/** The user cancelled a prompt (Ctrl-C or Esc). */
export class CancelledError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}

/** The exit code for any error a command may throw. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ChatError) return EXIT_CODE_FOR_ERROR[err.code] ?? EXIT.error;
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof ConnectionError) return EXIT.connection;
  if (err instanceof CancelledError) return EXIT.interrupted;
  return EXIT.error;
}

const ADVICE: Record<ErrorCode, string> = {
  bad_request: "check the arguments; `chat help <command>` shows the usage",
  auth_required: "log in first with `chat login <user>` (or set CHAT_TOKEN)",
  auth_failed: "check the user name and password, or log in again with `chat login <user>`",
  forbidden: "only members may do this, and only a room's admin may change it; ask its admin",
  not_found:
    "check the name; `chat rooms` lists the rooms you can see, `chat who` the people you share one with",
  conflict: "choose another name, or check the current state with `chat rooms`",
  rate_limited: "slow down and try again in a moment",
  internal: "the server hit an internal error; try again, and tell its operator if it persists",
};

/**
 * The lines printed on stderr for an error: what went wrong, then what to do next.
 * `server` is the URL in use, named in connection advice.
 */
export function describeError(err: unknown, server?: string): string {
  // Messages may come from the server (or name what it sent): never trusted with a terminal.
  return sanitizeText(describeRaw(err, server));
}

// Refusals whose general advice would mislead (the admin is told to ask the admin).
const FORBIDDEN_ADVICE: [RegExp, string][] = [
  [/cannot leave/, "the admin leaves last: kick the others first, or `chat shutdown <room>`"],
  [/is shut down/, "a shut-down room takes no joins or messages; its name stays taken"],
  [/not a member/, "join it first with `chat join <room>`"],
  [/only the admin/, "only the room's admin may do this; `chat rooms` shows who that is"],
];

function describeRaw(err: unknown, server?: string): string {
  if (err instanceof ChatError) {
    let advice = ADVICE[err.code] ?? "";
    if (err.code === "forbidden") {
      advice = FORBIDDEN_ADVICE.find(([re]) => re.test(err.message))?.[1] ?? advice;
    }
    if (err.code === "rate_limited" && err.retryAfterMs !== undefined) {
      advice = `slow down: try again in ${Math.max(1, Math.ceil(err.retryAfterMs / 1000))} s`;
    }
    return `error: ${err.message}${advice ? `\n${advice}` : ""}`;
  }
  if (err instanceof UsageError) {
    return `error: ${err.message}${err.hint ? `\n${err.hint}` : ""}`;
  }
  if (err instanceof ConnectionError) {
    const where = server ? ` (server: ${server})` : "";
    const advice =
      err.kind === "timeout"
        ? `the server did not answer in time${where}; check it is running and reachable, or raise --timeout`
        : `check that the server is running and that --server or CHAT_SERVER points to it${where}` +
          (server?.startsWith("wss://")
            ? "; for a certificate from a private CA, pass the CA with --ca FILE"
            : "");
    return `error: ${err.message}\n${advice}`;
  }
  if (err instanceof CancelledError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `error: ${message}\nthis looks like a bug in chat; please report it with the command you ran`;
}
