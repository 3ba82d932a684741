/**
 * A child process driven by lines: commands on its stdin, one JSON object per line on its
 * stdout. The attack benchmark runs its victim and its attacker this way, each in a process
 * of its own, so that neither one's work shows in the other's figures.
 */
import type { Subprocess } from "bun";

/** A started child and its stdout, line by line. */
export class LineChild {
  #proc: Subprocess<"pipe", "pipe", "inherit">;
  #lines: AsyncIterator<string>;

  /** Start `cmd`; it is killed at the latest when this process exits. */
  constructor(cmd: string[]) {
    const proc = Bun.spawn(cmd, { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    this.#proc = proc;
    this.#lines = readLines(proc.stdout);
    process.on("exit", () => proc.kill("SIGKILL"));
  }

  /** Send one command line. */
  write(line: string): void {
    void this.#proc.stdin.write(`${line}\n`);
    void this.#proc.stdin.flush();
  }

  /** The next line the child printed, parsed; throws when the child has ended. */
  async next<T>(): Promise<T> {
    const next = await this.#lines.next();
    if (next.done) throw new Error(`the process ${this.#proc.pid} ended early`);
    return JSON.parse(next.value) as T;
  }

  /** End the child. */
  async close(): Promise<void> {
    this.#proc.kill("SIGKILL");
    await this.#proc.exited;
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of stream) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      yield buf.slice(0, nl);
      buf = buf.slice(nl + 1);
    }
  }
}
