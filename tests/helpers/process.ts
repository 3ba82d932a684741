/**
 * Reading child processes, for the tests, the benchmark and the scripts alike: a child's
 * output line by line, the tail of its stderr, and its memory, CPU time and writes from /proc.
 */
import { readFileSync } from "node:fs";

// Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux).
const CLK_TCK = 100;

/** Resident set size of a process in bytes (Linux), or null when it cannot be read. */
export function rssBytes(pid: number): number | null {
  return statusBytes(pid, "VmRSS");
}

/** Peak resident set size of a process so far in bytes (Linux), or null when unreadable. */
export function peakRssBytes(pid: number): number | null {
  return statusBytes(pid, "VmHWM");
}

/** A byte count in MiB with one decimal ("?" when unknown), for progress and failure lines. */
export function mib(bytes: number | null): string {
  return bytes === null || !Number.isFinite(bytes) ? "?" : (bytes / 1024 / 1024).toFixed(1);
}

/** The fields of /proc/<pid>/stat after the command name (the state, field 3, first); [] when gone. */
export function statFields(pid: number): string[] {
  const stat = readProc(pid, "stat");
  return stat === null ? [] : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU seconds (user + system) used so far by a process, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15.
  return fields.length > 0 ? (Number(fields[11]) + Number(fields[12])) / CLK_TCK : NaN;
}

/**
 * Bytes a process has written so far (/proc/<pid>/io): `disk` reached the storage layer
 * (counted per dirtied page), `all` went through write() calls; NaN when unreadable.
 */
export function writtenBytes(pid: number): { disk: number; all: number } {
  const io = readProc(pid, "io") ?? "";
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(io)?.[1]);
  return { disk: field("write_bytes"), all: field("wchar") };
}

function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readProc(pid, "status") ?? "");
  return match ? Number(match[1]) * 1024 : null;
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    // The process is gone, or this is not Linux: there is no figure to give.
    return null;
  }
}

/**
 * Wait for the first line matching `re` on a child's stdout (null if the stream ends first),
 * then keep draining the stream so that the child never blocks on a full pipe.
 */
export async function waitForLine(
  stream: ReadableStream<Uint8Array>,
  re: RegExp,
): Promise<string | null> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return null;
    buf += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (re.test(line)) {
        void (async () => {
          while (!(await reader.read()).done);
        })().catch(() => undefined);
        return line;
      }
    }
  }
}

/** Collect the last 20,000 characters of a stream's text (stderr, shown on failure). */
export function collect(stream: ReadableStream<Uint8Array>): { text: () => string } {
  let text = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > 20_000) text = text.slice(-20_000);
    }
  })();
  return { text: () => text };
}
