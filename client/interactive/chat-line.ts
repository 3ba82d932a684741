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
 * Everything it draws passes through the funnel of terminal-text.ts. Its parts: the options
 * (chat-line-options.ts), the keys (chat-keys.ts), the screen (chat-screen.ts) and the rows of
 * a frame with its header and status (chat-frame.ts).
 */
import { toTerminal } from "../terminal-text.ts";
import { ChatKeys } from "./chat-keys.ts";
import type { ChatLineOptions } from "./chat-line-options.ts";
import { ChatScreen } from "./chat-screen.ts";
import { LineEditor, type KeyResult } from "./line-editor.ts";
import type { ReadItem } from "./paste.ts";
import { wrapLine } from "./wrap.ts";

export type { ChatLineHandlers, ChatLineOptions, ChatLineStreams } from "./chat-line-options.ts";

const DEFAULT_HISTORY_SIZE = 500;
/** Most lines kept for showing after a dialog. */
export const QUEUE_MAX = 1000;
const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

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
  #screen: ChatScreen;
  #keys: ChatKeys;
  #reported = "";

  constructor(opts: ChatLineOptions) {
    this.#opts = opts;
    this.#editor = new LineEditor({
      history: opts.history ?? [],
      historySize: opts.historySize ?? DEFAULT_HISTORY_SIZE,
      completer: opts.completer,
      isSecret: opts.isSecret,
    });
    this.#prompt = toTerminal(opts.prompt);
    this.#screen = new ChatScreen(opts.output, () => ({
      prompt: this.#prompt,
      text: this.line,
      cursor: this.#editor.buffer.cursor,
      look: this.#opts,
    }));
    const keys = {
      chunk: (items: Iterable<ReadItem>) => this.#takeChunk(items),
      ended: () => this.#end(),
      // A new width rewraps the frame: draw it again for the new size.
      resized: () => this.redraw(),
    };
    this.#keys = new ChatKeys(opts, keys, opts.now);
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
    const columns = this.#screen.columns;
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
    this.#screen.printNow(text);
  }

  /** Change the prompt (room, typing users, connection state) without printing a line. */
  setPrompt(raw: string): void {
    const prompt = toTerminal(raw);
    if (prompt === this.#prompt) return;
    this.#prompt = prompt;
    if (this.#isOpen) this.#screen.draw();
  }

  /** Ring the terminal bell without printing a line (the one control character let through). */
  ring(): void {
    if (this.#isOpen) this.#screen.write("\x07");
  }

  /** Draw the line again (the header's content changed). */
  redraw(): void {
    if (this.#isOpen) this.#screen.draw();
  }

  /** Clear the screen; the prompt and the typed input are drawn again at the top. */
  clear(): void {
    if (this.#isOpen) this.#screen.clear();
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
    if (this.#isOpen) this.#screen.eraseSubmitted();
  }

  #open(): void {
    if (this.#isOpen) return;
    this.#keys.listen();
    this.#isOpen = true;
    this.#screen.write(BRACKETED_PASTE_ON);
    const queued = this.#queue;
    this.#queue = [];
    if (this.#dropped > 0) {
      this.#screen.printNow(
        toTerminal(`-- ${this.#dropped} earlier lines were not kept during the dialog`),
      );
      this.#dropped = 0;
    }
    for (const text of queued) this.#screen.printNow(text);
    this.#screen.draw();
  }

  #suspend(): void {
    if (!this.#isOpen) return;
    this.#screen.erase();
    this.#screen.write(BRACKETED_PASTE_OFF);
    this.#isOpen = false;
    this.#keys.stop();
  }

  #end(): void {
    if (this.#ended) return;
    this.close();
    this.#opts.onEnd?.();
  }

  // Keys decoded from one read of the terminal are handled together and drawn once.
  #takeChunk(items: Iterable<ReadItem>): void {
    for (const item of items) {
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
        this.#screen.cleared();
        break;
      case "candidates":
        this.#screen.printNow(toTerminal(result.list.join("  ")));
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
    this.#screen.submit(() => buffer.set(rest));
    this.#reportEdit();
    this.#opts.onHistory?.(this.history);
    this.#opts.onLine(text);
  }

  #refresh(): void {
    if (this.#isOpen) this.#screen.draw();
    this.#reportEdit();
  }

  #reportEdit(): void {
    const line = this.line;
    if (line === this.#reported) return;
    this.#reported = line;
    this.#opts.onEdit?.(line);
  }
}
