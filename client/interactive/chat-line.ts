/**
 * The chat line: a node:readline prompt that owns the bottom of the terminal. Lines printed
 * with `print` appear above it without disturbing what the user is typing. While a modal
 * dialog runs (`modal`), readline is closed and printed lines wait in a queue.
 *
 * Everything it draws (lines and the prompt) passes through the funnel of terminal-text.ts:
 * what the session shows is made inert for the terminal here, wherever it came from.
 */
import * as readline from "node:readline";
import { toTerminal } from "../terminal-text.ts";

/** Streams the chat line reads keys from and draws to (process.stdin/stdout, or test doubles). */
export interface ChatLineStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** What the chat line reports to its owner. */
export interface ChatLineHandlers {
  /** A line was submitted with Enter; lines pasted together come as one, joined by "\n". */
  onLine(line: string): void;
  /** The input line changed by a keystroke (typed, deleted, cleared, submitted). */
  onEdit?(line: string): void;
  /** Ctrl-C on an empty line. */
  onInterrupt?(): void;
  /** Ctrl-D on an empty line, or the input ended. */
  onEnd?(): void;
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
  /** Draw as a terminal (keys, cursor movement); defaults to output.isTTY. */
  terminal?: boolean;
}

const DEFAULT_HISTORY_SIZE = 500;

/** A readline prompt that can print above itself and step aside for dialogs. */
export class ChatLine {
  #opts: ChatLineOptions;
  #rl: readline.Interface | null = null;
  #history: string[];
  #prompt: string;
  #queue: string[] = [];
  #closing = false;
  #ended = false;
  #lastLine = "";
  /** Lines submitted in the current chunk of input, and the screen rows they took. */
  #burst: { lines: string[]; rows: number } | null = null;
  /** The rows of the submission being handled (for eraseSubmitted). */
  #submittedRows: number | null = null;
  #keypressListener = (): void => this.#afterKeypress();

  constructor(opts: ChatLineOptions) {
    this.#opts = opts;
    this.#history = (opts.history ?? []).filter((line) => !this.#isSecret(line));
    this.#prompt = toTerminal(opts.prompt);
    this.#open();
  }

  /** The text currently typed on the line. */
  get line(): string {
    return this.#rl?.line ?? "";
  }

  /** Input history, newest first. */
  get history(): string[] {
    return [...this.#history];
  }

  /** True while a modal dialog has the terminal. */
  get isSuspended(): boolean {
    return this.#rl === null && !this.#ended;
  }

  /**
   * Print text above the prompt, made inert; the typed input and cursor stay as they were.
   * `isBell` rings the terminal bell with it (the one control character let through).
   */
  print(raw: string, isBell = false): void {
    if (this.#ended) return;
    const text = isBell ? `${toTerminal(raw)}\x07` : toTerminal(raw);
    if (!this.#rl) {
      this.#queue.push(text);
      return;
    }
    this.#printNow(this.#rl, text);
  }

  /** Change the prompt (room, typing users, connection state) without printing a line. */
  setPrompt(raw: string): void {
    const prompt = toTerminal(raw);
    if (prompt === this.#prompt) return;
    this.#prompt = prompt;
    if (!this.#rl) return;
    const rl = this.#rl;
    if (rl.terminal) this.#erase(rl);
    rl.setPrompt(prompt);
    if (rl.terminal) rl.prompt(true);
  }

  /** Clear the typed input. */
  clearLine(): void {
    const rl = this.#rl;
    if (!rl || rl.line === "") return;
    rl.write(null, { ctrl: true, name: "e" });
    rl.write(null, { ctrl: true, name: "u" });
    this.#afterKeypress();
  }

  /**
   * Run a dialog that owns the terminal: readline is closed while it runs, lines printed
   * meanwhile are queued and shown after it, and readline comes back with its history.
   */
  async modal<T>(dialog: () => Promise<T>): Promise<T> {
    if (this.#ended) return dialog();
    this.#suspend();
    try {
      return await dialog();
    } finally {
      if (!this.#ended) this.#open();
    }
  }

  /** Close the line for good. */
  close(): void {
    this.#ended = true;
    this.#teardown();
  }

  #open(): void {
    const { input, output } = this.#opts;
    const terminal = this.#opts.terminal ?? (output as { isTTY?: boolean }).isTTY === true;
    const rl = readline.createInterface({
      input,
      output,
      terminal,
      prompt: this.#prompt,
      history: [...this.#history],
      historySize: this.#opts.historySize ?? DEFAULT_HISTORY_SIZE,
      removeHistoryDuplicates: true,
      completer: this.#opts.completer,
      crlfDelay: Infinity,
      tabSize: 4,
    });
    this.#rl = rl;
    this.#lastLine = "";
    rl.on("line", (line) => this.#onLine(line));
    rl.on("history", (history: string[]) => {
      // readline lets this listener edit its history array in place: a secret line is
      // dropped before it can be recalled with Up or saved.
      for (let i = history.length - 1; i >= 0; i--) {
        if (this.#isSecret(history[i] ?? "")) history.splice(i, 1);
      }
      this.#history = [...history];
      this.#opts.onHistory?.(this.history);
    });
    rl.on("SIGINT", () => this.#onSigint());
    rl.on("close", () => this.#onClose());
    // Registered after readline's own listener, so rl.line already holds the new text.
    input.on("keypress", this.#keypressListener);
    rl.prompt();
    const queued = this.#queue;
    this.#queue = [];
    for (const text of queued) this.#printNow(rl, text);
  }

  #suspend(): void {
    const rl = this.#rl;
    if (!rl) return;
    // Keep the history readline holds (it may be newer than the last 'history' event).
    const held = (rl as unknown as { history?: unknown }).history;
    if (Array.isArray(held)) this.#history = held.filter((h) => typeof h === "string");
    // The dialog draws where the prompt was.
    if (rl.terminal) this.#erase(rl);
    this.#teardown();
  }

  #teardown(): void {
    const rl = this.#rl;
    if (!rl) return;
    this.#rl = null;
    this.#opts.input.removeListener("keypress", this.#keypressListener);
    this.#closing = true;
    rl.close();
    this.#closing = false;
  }

  #isSecret(line: string): boolean {
    return this.#opts.isSecret?.(line) === true;
  }

  #printNow(rl: readline.Interface, text: string): void {
    const out = this.#opts.output;
    if (!rl.terminal) {
      out.write(`${text}\n`);
      return;
    }
    this.#erase(rl);
    out.write(`${text.replace(/\n/g, "\r\n")}\r\n`);
    rl.prompt(true);
  }

  /** Move to the first row of the prompt and erase prompt and input. */
  #erase(rl: readline.Interface): void {
    const out = this.#opts.output;
    const rows = rl.getCursorPos().rows;
    if (rows > 0) readline.moveCursor(out, 0, -rows);
    readline.cursorTo(out, 0);
    readline.clearScreenDown(out);
    // readline remembers how many rows it drew and moves up by that much before its next
    // redraw. The cursor is now where the prompt starts, so that memory must be reset or
    // the redraw would climb over the lines just printed.
    const state = rl as unknown as { prevRows?: number };
    if (typeof state.prevRows === "number") state.prevRows = 0;
  }

  /**
   * Erase the line just submitted from the screen (called from onLine): a message shows
   * once, as the server echoes it, rather than also as typed.
   */
  eraseSubmitted(): void {
    const rl = this.#rl;
    if (!rl || !rl.terminal || this.#submittedRows === null) return;
    const out = this.#opts.output;
    // The prompt was drawn again below the submitted rows; anything typed after them in
    // the same chunk of input is on it and is drawn again.
    readline.moveCursor(out, 0, -(this.#submittedRows + rl.getCursorPos().rows));
    this.#submittedRows = null;
    readline.cursorTo(out, 0);
    readline.clearScreenDown(out);
    const state = rl as unknown as { prevRows?: number };
    if (typeof state.prevRows === "number") state.prevRows = 0;
    rl.prompt(true);
  }

  #onLine(line: string): void {
    this.#lastLine = "";
    this.#opts.onEdit?.("");
    const columns = (this.#opts.output as { columns?: number }).columns ?? 80;
    // readline starts a new row when the text ends at the last column, before Enter
    // moves down another: a line of exactly one row's width took two.
    const rows = Math.floor(Bun.stringWidth(this.#prompt + line) / columns) + 1;
    // Lines that arrive in one chunk of input were pasted together: they make one
    // submission, handed over once the whole chunk has been read.
    if (this.#burst) {
      this.#burst.lines.push(line);
      this.#burst.rows += rows;
    } else {
      this.#burst = { lines: [line], rows };
      queueMicrotask(() => this.#submit());
    }
    if (this.#rl && !this.#ended) this.#rl.prompt();
  }

  #submit(): void {
    const burst = this.#burst;
    this.#burst = null;
    if (!burst || this.#ended) return;
    this.#submittedRows = burst.rows;
    this.#opts.onLine(burst.lines.join("\n"));
    this.#submittedRows = null;
  }

  #afterKeypress(): void {
    const line = this.#rl?.line ?? "";
    if (line === this.#lastLine) return;
    this.#lastLine = line;
    this.#opts.onEdit?.(line);
  }

  #onSigint(): void {
    if (this.line !== "") {
      this.clearLine();
      return;
    }
    this.#opts.onInterrupt?.();
  }

  #onClose(): void {
    if (this.#closing) return;
    this.#rl = null;
    this.#opts.input.removeListener("keypress", this.#keypressListener);
    if (this.#ended) return;
    this.#ended = true;
    this.#opts.onEnd?.();
  }
}
