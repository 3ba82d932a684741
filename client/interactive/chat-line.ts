/**
 * The chat line: the prompt and the input at the bottom of the terminal, drawn by this
 * class from raw keys (node:readline only decodes them). Lines printed with `print` appear
 * above it without disturbing what the user is typing; it keeps the frame it drew last
 * (its height and the cursor's row) and redraws from there. While a modal dialog runs
 * (`modal`), it is out of the way and printed lines wait in a queue.
 *
 * A paste is one unit: with bracketed paste (asked of the terminal) or, without it, keys
 * that arrive together with a newline inside them, it lands in the input with its
 * newlines, is never sent by itself and is reported as one edit.
 *
 * Everything it draws passes through the funnel of terminal-text.ts.
 */
import { emitKeypressEvents } from "node:readline";
import { toTerminal } from "../terminal-text.ts";
import { type Key, LineEditor, type KeyResult } from "./line-editor.ts";
import { layoutLine } from "./line-layout.ts";
import { wrapLine } from "./wrap.ts";
import { type KeyPress, PasteReader } from "./paste.ts";

/** Streams the chat line reads keys from and draws to (process.stdin/stdout, or test doubles). */
export interface ChatLineStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** What the chat line reports to its owner. */
export interface ChatLineHandlers {
  /** The input was submitted with Enter (a paste's newlines included). */
  onLine(line: string): void;
  /** The input changed (typed, pasted, deleted, cleared, submitted): once per chunk of keys. */
  onEdit?(line: string): void;
  /** Ctrl-C on an empty line. */
  onInterrupt?(): void;
  /** Ctrl-D on an empty line, or the input ended. */
  onEnd?(): void;
  /** A key asked to switch views (Ctrl-N/P, Alt-Left/Right, Alt-1..9). */
  onView?(move: { step?: number; number?: number }): void;
  /** The input history changed (newest first). */
  onHistory?(history: string[]): void;
}

/** Options of the chat line. */
export interface ChatLineOptions extends ChatLineStreams, ChatLineHandlers {
  prompt: string;
  history?: string[];
  historySize?: number;
  /** Tab completion: candidates and the part of the line they replace. */
  completer?: (line: string) => [string[], string];
  /** Lines never kept in the input history (they carry a password). */
  isSecret?: (line: string) => boolean;
  /** The input as shown: passwords hidden, the length unchanged. */
  mask?: (line: string) => string;
  /** A status row under the input for this text (counts near a limit), or null. */
  status?: (line: string) => string | null;
  /** A status row above the prompt (the views), fitted to `columns`, or null. */
  header?: (columns: number) => string | null;
  /** The clock of the paste window (ms). */
  now?: () => number;
}

const DEFAULT_HISTORY_SIZE = 500;
/** Most lines kept for showing after a dialog. */
export const QUEUE_MAX = 1000;
const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

type RawInput = NodeJS.ReadableStream & { setRawMode?(mode: boolean): unknown };
type Sized = { columns?: number; rows?: number };

/** The prompt and input line that can print above itself and step aside for dialogs. */
export class ChatLine {
  #opts: ChatLineOptions;
  #editor: LineEditor;
  #prompt: string;
  #queue: string[] = [];
  #dropped = 0;
  #isOpen = false;
  #ended = false;
  #modalDepth = 0;
  /** The frame on screen: its height and the row of the cursor in it (null: none drawn). */
  #frame: { height: number; cursorRow: number } | null = null;
  /** Rows of the line just submitted, left on screen right above the frame. */
  #submittedRows: number | null = null;
  #chunk: KeyPress[] = [];
  #paste: PasteReader;
  #reported = "";
  #onKeypress = (str: string | undefined, key: Key | undefined): void => {
    if (!this.#isOpen) return;
    this.#chunk.push([str, key ?? {}]);
    if (this.#chunk.length === 1) queueMicrotask(() => this.#takeChunk());
  };
  #onInputEnd = (): void => this.#end();
  // A new width rewraps the frame: draw it again for the new size.
  #onResize = (): void => {
    if (this.#isOpen) this.#draw();
  };

  constructor(opts: ChatLineOptions) {
    this.#opts = opts;
    this.#editor = new LineEditor({
      history: opts.history ?? [],
      historySize: opts.historySize ?? DEFAULT_HISTORY_SIZE,
      completer: opts.completer,
      isSecret: opts.isSecret,
    });
    this.#prompt = toTerminal(opts.prompt);
    this.#paste = new PasteReader(opts.now);
    this.#open();
  }

  /** The text currently typed. */
  get line(): string {
    return this.#editor.buffer.text;
  }

  /** Input history, newest first. */
  get history(): string[] {
    return this.#editor.history;
  }

  /** True while a modal dialog has the terminal. */
  get isSuspended(): boolean {
    return !this.#isOpen && !this.#ended;
  }

  /**
   * Print text above the prompt, made inert; the typed input and cursor stay as they were.
   * `isBell` rings the terminal bell with it (the one control character let through). Rows
   * wider than the terminal wrap at spaces, continuing `hang` columns in (under a message's
   * text).
   */
  print(raw: string, isBell = false, hang = 0): void {
    if (this.#ended) return;
    const columns = (this.#opts.output as Sized).columns ?? 80;
    const rows = toTerminal(raw)
      .split("\n")
      .flatMap((line) => wrapLine(line, columns, hang));
    const text = isBell ? `${rows.join("\n")}\x07` : rows.join("\n");
    if (!this.#isOpen) {
      // A dialog left open for long keeps the newest lines only.
      if (this.#queue.length >= QUEUE_MAX) {
        this.#queue.shift();
        this.#dropped += 1;
      }
      this.#queue.push(text);
      return;
    }
    this.#printNow(text);
  }

  /** Change the prompt (room, typing users, connection state) without printing a line. */
  setPrompt(raw: string): void {
    const prompt = toTerminal(raw);
    if (prompt === this.#prompt) return;
    this.#prompt = prompt;
    if (this.#isOpen) this.#draw();
  }

  /** Ring the terminal bell without printing a line (the one control character let through). */
  ring(): void {
    if (this.#isOpen) this.#write("\x07");
  }

  /** Draw the line again (the header's content changed). */
  redraw(): void {
    if (this.#isOpen) this.#draw();
  }

  /** Clear the screen; the prompt and the typed input are drawn again at the top. */
  clear(): void {
    if (!this.#isOpen) return;
    this.#erase();
    this.#submittedRows = null;
    this.#write("\x1b[H\x1b[2J\x1b[3J");
    this.#draw();
  }

  /** Clear the typed input. */
  clearLine(): void {
    if (this.line === "") return;
    this.#editor.buffer.set("");
    this.#refresh();
  }

  /** Put text back into the input (before what is typed there now), e.g. a message not sent. */
  restore(text: string): void {
    this.#editor.buffer.set(text + this.line);
    this.#refresh();
  }

  /**
   * Run a dialog that owns the terminal: the line is out of the way while it runs, lines
   * printed meanwhile are queued and shown after it, and the input comes back as it was.
   */
  async modal<T>(dialog: () => Promise<T>): Promise<T> {
    if (this.#ended) return dialog();
    this.#modalDepth += 1;
    this.#suspend();
    try {
      return await dialog();
    } finally {
      this.#modalDepth -= 1;
      if (!this.#ended && this.#modalDepth === 0) this.#open();
    }
  }

  /** Close the line for good, leaving no prompt behind. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#suspend();
  }

  /**
   * Erase the line just submitted from the screen (called from onLine): a message shows
   * once, as the server echoes it, rather than also as typed.
   */
  eraseSubmitted(): void {
    const rows = this.#submittedRows;
    if (rows === null || !this.#isOpen || !this.#frame) return;
    this.#write(`\x1b[${rows + this.#frame.cursorRow}A\r\x1b[J`);
    this.#frame = null;
    this.#submittedRows = null;
    this.#draw();
  }

  #open(): void {
    if (this.#isOpen) return;
    const input = this.#opts.input as RawInput;
    emitKeypressEvents(input);
    input.setRawMode?.(true);
    input.on("keypress", this.#onKeypress);
    input.on("end", this.#onInputEnd);
    this.#opts.output.on("resize", this.#onResize);
    input.resume();
    this.#isOpen = true;
    this.#write(BRACKETED_PASTE_ON);
    const queued = this.#queue;
    this.#queue = [];
    if (this.#dropped > 0) {
      this.#printNow(
        toTerminal(`-- ${this.#dropped} earlier lines were not kept during the dialog`),
      );
      this.#dropped = 0;
    }
    for (const text of queued) this.#printNow(text);
    this.#draw();
  }

  #suspend(): void {
    if (!this.#isOpen) return;
    this.#erase();
    this.#write(BRACKETED_PASTE_OFF);
    this.#isOpen = false;
    this.#chunk = [];
    this.#paste.reset();
    const input = this.#opts.input as RawInput;
    input.removeListener("keypress", this.#onKeypress);
    input.removeListener("end", this.#onInputEnd);
    this.#opts.output.removeListener("resize", this.#onResize);
    input.setRawMode?.(false);
    input.pause();
  }

  #end(): void {
    if (this.#ended) return;
    this.close();
    this.#opts.onEnd?.();
  }

  #write(text: string): void {
    this.#opts.output.write(text);
  }

  #printNow(text: string): void {
    this.#erase();
    this.#submittedRows = null;
    this.#write(`${text.replace(/\n/g, "\r\n")}\r\n`);
    this.#draw();
  }

  // Back to the first row of the frame, cleared to the end of the screen.
  #erase(): void {
    const frame = this.#frame;
    if (!frame) return;
    this.#write(`${frame.cursorRow > 0 ? `\x1b[${frame.cursorRow}A` : ""}\r\x1b[J`);
    this.#frame = null;
  }

  #draw(isSubmitted = false): number {
    this.#erase();
    const text = this.line;
    const shown = this.#opts.mask?.(text) ?? text;
    const out = this.#opts.output as Sized;
    const status = isSubmitted ? null : (this.#opts.status?.(text) ?? null);
    const layout = layoutLine({
      prompt: this.#prompt,
      text: shown.length === text.length ? shown : text.replace(/\S/g, "*"),
      cursor: isSubmitted ? text.length : this.#editor.buffer.cursor,
      columns: out.columns ?? 80,
      maxRows: Math.min(10, Math.max(2, (out.rows ?? 24) - 4)),
      info: status === null ? null : toTerminal(status),
    });
    const rows = layout.rows.map((row, i) =>
      i === layout.rows.length - 1 && status !== null ? row : toTerminal(row),
    );
    if (layout.hasPrompt) rows[0] = this.#prompt + (rows[0] ?? "");
    // The header is cut to the width by its maker: it takes exactly one row.
    const header = isSubmitted ? null : (this.#opts.header?.(out.columns ?? 80) ?? null);
    if (header !== null) {
      rows.unshift(toTerminal(header));
      layout.height += 1;
      layout.cursorRow += 1;
    }
    const below = layout.height - 1 - layout.cursorRow;
    const back = `${below > 0 ? `\x1b[${below}A` : ""}\r${layout.cursorCol > 0 ? `\x1b[${layout.cursorCol}C` : ""}`;
    this.#write(rows.join("\r\n") + (isSubmitted ? "" : back));
    this.#frame = { height: layout.height, cursorRow: layout.cursorRow };
    return layout.height;
  }

  // Keys decoded from one read of the terminal are handled together and drawn once.
  #takeChunk(): void {
    const keys = this.#chunk;
    this.#chunk = [];
    if (!this.#isOpen) return;
    for (const item of this.#paste.read(keys)) {
      if ("text" in item) this.#editor.insert(item.text);
      else if (!this.#act(this.#editor.key(...item.key))) return;
    }
    this.#refresh();
  }

  // False when the line is no longer taking keys (suspended for a dialog, or ended).
  #act(result: KeyResult): boolean {
    switch (result.type) {
      case "submit":
        this.#submit(result.text);
        break;
      case "interrupt":
        this.#opts.onInterrupt?.();
        break;
      case "end":
        this.#end();
        break;
      case "redraw":
        this.#frame = null;
        this.#write("\x1b[H\x1b[2J");
        break;
      case "candidates":
        this.#printNow(toTerminal(result.list.join("  ")));
        break;
      case "view":
        this.#opts.onView?.(result);
        break;
      default:
        break;
    }
    return this.#isOpen;
  }

  #submit(text: string): void {
    // The line stays on screen as typed (masked), and a fresh prompt comes below it.
    const buffer = this.#editor.buffer;
    const rest = buffer.text;
    buffer.set(text);
    const rows = this.#draw(true);
    this.#write("\r\n");
    this.#frame = null;
    buffer.set(rest);
    this.#submittedRows = rows;
    this.#draw();
    this.#reportEdit();
    this.#opts.onHistory?.(this.history);
    this.#opts.onLine(text);
  }

  #refresh(): void {
    if (this.#isOpen) this.#draw();
    this.#reportEdit();
  }

  #reportEdit(): void {
    const line = this.line;
    if (line === this.#reported) return;
    this.#reported = line;
    this.#opts.onEdit?.(line);
  }
}
