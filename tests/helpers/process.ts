/**
 * Reading child processes, for the tests, the benchmark and the scripts alike: a child's
 * output line by line, the tail of its stderr, and its resident memory from /proc.
 */
import { readFileSync } from "node:fs";

/** Resident set size of a process in bytes (Linux), or null when it cannot be read. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
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
