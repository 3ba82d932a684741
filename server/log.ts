import { openSync, writeSync } from "node:fs";
import type { Logger } from "./domain/types.ts";

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
      const text = typeof v === "string" ? v : JSON.stringify(v);
      line += ` ${k}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
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
