import { openSync, writeSync } from "node:fs";
import type { Logger } from "./domain/types.ts";

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
