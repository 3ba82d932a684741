/**
 * A small terminal emulator for tests: streams that the chat line reads and draws to, and
 * the screen a user would see (cursor moves, erase, auto-wrap, bell count).
 */
import { afterEach } from "bun:test";
import { PassThrough, Writable } from "node:stream";
import { ChatLine } from "../../client/interactive/chat-line.ts";

/** Keys as a terminal sends them. */
export const KEY = {
  enter: "\r",
  tab: "\t",
  up: "\x1b[A",
  down: "\x1b[B",
  left: "\x1b[D",
  ctrlC: "\x03",
  ctrlD: "\x04",
  ctrlU: "\x15",
  backspace: "\x7f",
} as const;

/** An in-memory terminal: `input` carries keys, `output` is interpreted into `lines`. */
export class FakeTerminal {
  readonly input: PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
  readonly output: Writable & { isTTY: boolean; columns: number; rows: number };
  readonly lines: string[] = [""];
  row = 0;
  col = 0;
  bells = 0;
  raw = "";
  #pendingWrap = false;

  constructor(columns = 40, rows = 20) {
    const input = new PassThrough() as PassThrough & {
      isTTY: boolean;
      setRawMode(mode: boolean): void;
    };
    input.isTTY = true;
    input.setRawMode = () => {};
    this.input = input;
    const output = new Writable({
      write: (chunk, _enc, done) => {
        this.#feed(chunk.toString());
        done();
      },
    }) as Writable & { isTTY: boolean; columns: number; rows: number };
    output.isTTY = true;
    output.columns = columns;
    output.rows = rows;
    this.output = output;
  }

  /** Send keys, then let readline process them. */
  async type(keys: string): Promise<void> {
    for (const ch of splitKeys(keys)) {
      this.input.write(ch);
      await tick();
    }
  }

  /** The screen as text lines, trailing blanks removed. */
  screen(): string[] {
    const out = this.lines.map((l) => l.replace(/\s+$/, ""));
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return out;
  }

  /** The screen as one string. */
  text(): string {
    return this.screen().join("\n");
  }

  #feed(data: string): void {
    this.raw += data;
    let i = 0;
    while (i < data.length) {
      const ch = data[i]!;
      if (ch === "\x1b" && data[i + 1] === "[") {
        const m = /^\x1b\[([0-9;?]*)([@-~])/.exec(data.slice(i));
        if (m) {
          this.#csi(m[1] ?? "", m[2]!);
          i += m[0].length;
          continue;
        }
      }
      this.#char(ch);
      i += 1;
    }
  }

  #csi(params: string, final: string): void {
    const n = params === "" ? 1 : Number(params.split(";")[0]) || 1;
    this.#pendingWrap = false;
    switch (final) {
      case "A":
        this.row = Math.max(0, this.row - n);
        break;
      case "B":
        this.#down(n);
        break;
      case "C":
        this.col = Math.min(this.output.columns - 1, this.col + n);
        break;
      case "D":
        this.col = Math.max(0, this.col - n);
        break;
      case "G":
        this.col = Math.min(this.output.columns - 1, n - 1);
        break;
      case "H": {
        const [row = 1, col = 1] = params.split(";").map((p) => Number(p) || 1);
        this.row = row - 1;
        this.col = col - 1;
        this.#down(0);
        break;
      }
      case "J":
        if (params === "2" || params === "3") {
          // The whole screen (and the scrollback) cleared: nothing of it is left to read.
          this.lines.length = 0;
          this.#down(0);
          break;
        }
        this.lines[this.row] = (this.lines[this.row] ?? "").slice(0, this.col);
        this.lines.length = this.row + 1;
        break;
      case "K":
        this.lines[this.row] = (this.lines[this.row] ?? "").slice(0, this.col);
        break;
      default:
        break; // colours and modes do not change the text
    }
  }

  #char(ch: string): void {
    if (ch === "\x07") this.bells += 1;
    else if (ch === "\r") {
      this.col = 0;
      this.#pendingWrap = false;
    } else if (ch === "\n") {
      this.#down(1);
      this.#pendingWrap = false;
    } else if (ch === "\b") this.col = Math.max(0, this.col - 1);
    else if (ch >= " ") this.#put(ch);
  }

  #put(ch: string): void {
    if (this.#pendingWrap) {
      this.#down(1);
      this.col = 0;
      this.#pendingWrap = false;
    }
    const line = (this.lines[this.row] ?? "").padEnd(this.col, " ");
    this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
    if (this.col === this.output.columns - 1) this.#pendingWrap = true;
    else this.col += 1;
  }

  #down(n: number): void {
    this.row += n;
    while (this.lines.length <= this.row) this.lines.push("");
  }
}

function splitKeys(keys: string): string[] {
  return keys.match(/\x1b\[[0-9;]*[A-Za-z~]|[\s\S]/g) ?? [];
}

/** Let queued stream and readline callbacks run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a test's chat line was told: `line:<text>`, `interrupt`, `end`. */
export interface OpenedChatLine {
  line: ChatLine;
  events: string[];
}

/**
 * A chat line on a fake terminal for each test of a file, closed after each test: the
 * returned `open` makes the test's one (prompt `#lobby> `, events recorded).
 */
export function useChatLine(): (
  term: FakeTerminal,
  extra?: Partial<ConstructorParameters<typeof ChatLine>[0]>,
) => OpenedChatLine {
  let line: ChatLine | null = null;
  afterEach(() => line?.close());
  return (term, extra = {}) => {
    const events: string[] = [];
    line = new ChatLine({
      input: term.input,
      output: term.output,
      prompt: "#lobby> ",
      onLine: (l) => events.push(`line:${l}`),
      onInterrupt: () => events.push("interrupt"),
      onEnd: () => events.push("end"),
      ...extra,
    });
    return { line, events };
  };
}
