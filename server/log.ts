/** The server log: one line per event, values made inert, floods folded. */
import { openSync, writeSync } from "node:fs";
import { RateLimiter } from "./domain/rate-limit.ts";
import type { Clock, Logger, TimerHandle } from "./domain/types.ts";

/** A value as it appears in a log line: quoted when needed, never a raw control character. */
export function logValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const quoted = /[\s"=\\]/.test(text) ? JSON.stringify(text) : text;
  // A log read in a terminal must not be able to drive it.
  return quoted.replace(UNSAFE_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// eslint-disable-next-line no-control-regex
const UNSAFE_RE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line per event to stderr and, when `file` is given, appended to it:
 * `2026-11-25T12:00:00.000Z INFO login user=alice address=127.0.0.1`.
 * Callers never pass passwords or tokens.
 */
export function createLogger(file: string | null, isQuiet = false): Logger {
  let fd: number | null = null;
  const write = (level: string, event: string, details?: Record<string, unknown>): void => {
    let line = `${new Date().toISOString()} ${level} ${event}`;
    for (const [k, v] of Object.entries(details ?? {})) {
      if (v === undefined) continue;
      line += ` ${k}=${logValue(v)}`;
    }
    line += "\n";
    if (!isQuiet) process.stderr.write(line);
    if (file === null) return;
    try {
      fd ??= openSync(file, "a", 0o600);
      writeSync(fd, line);
    } catch {
      // The log file is best effort: a full disk must not stop the server from serving.
    }
  };
  return {
    info: (event, details) => write("INFO", event, details),
    error: (event, details) => write("ERROR", event, details),
  };
}

// Events a client can cause at will, many times a second: written per address and event at
// most FOLD_LINES.perSecond a second after a burst, the rest counted.
const FOLDED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "disconnect",
  "refused",
  "refused_connections",
  "login_failed",
  "auth_failed",
  "auth_timeout",
  // A valid token may be sent on a new socket again and again, and `revoke` with nothing
  // left to end repeated: each costs the client nothing.
  "auth",
  "revoke",
  "flood",
]);
const FOLD_LINES = { burst: 5, perSecond: 1 } as const;
/** How soon counted lines are reported when no line of the same address and event is written. */
const FOLD_REPORT_MS = 1000;

/**
 * Wrap `log` so that refusals, failed logins and connections of one address fill at most a
 * few lines a second: per address and event, past a burst of 5, one a second is written and
 * the others counted. The count goes on the next written line of that address and event
 * (`refused ... folded=57`), or within a second on a line of its own
 * (`refused address=1.2.3.4 folded=57`). Other lines, and lines without an address, pass.
 */
export function foldingLogger(log: Logger, clock: Clock): Logger {
  const lines = new RateLimiter(FOLD_LINES, clock);
  const folded = new Map<string, { event: string; address: string; count: number }>();
  let timer: TimerHandle | null = null;
  const report = (): void => {
    timer = null;
    for (const { event, address, count } of folded.values()) {
      log.info(event, { address, folded: count });
    }
    folded.clear();
  };
  return {
    info(event, details) {
      const address = details?.address;
      if (!FOLDED_EVENTS.has(event) || typeof address !== "string") {
        return log.info(event, details);
      }
      const key = `${event} ${address}`;
      const prior = folded.get(key);
      if (lines.take(key) === 0) {
        folded.delete(key);
        return log.info(event, prior ? { ...details, folded: prior.count } : details);
      }
      if (prior) prior.count++;
      else folded.set(key, { event, address, count: 1 });
      timer ??= clock.setTimer(report, FOLD_REPORT_MS);
    },
    error: (event, details) => log.error(event, details),
  };
}
