/**
 * What each key does to the chat line's input: editing, Up/Down through the input
 * history, Tab completion, Enter, Ctrl-C and Ctrl-D. No terminal here: the chat line
 * feeds decoded keys in and draws the result.
 */
import { LineBuffer } from "./line-buffer.ts";

/** A key as `readline.emitKeypressEvents` decodes it. */
export interface Key {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

/** What a key asks of the chat line beyond editing the input. */
export type KeyResult =
  | { type: "none" }
  | { type: "submit"; text: string }
  | { type: "interrupt" }
  | { type: "end" }
  | { type: "redraw" }
  | { type: "candidates"; list: string[] }
  /** Switch views: `step` places on (Ctrl-N/P, Alt-Right/Left) or to view `number` (Alt-1..9). */
  | { type: "view"; step?: number; number?: number };

/** How the editor is set up. */
export interface LineEditorOptions {
  /** Earlier input, newest first. */
  history: string[];
  historySize: number;
  /** Tab completion: candidates and the part of the line (left of the cursor) they replace. */
  completer?: (line: string) => [string[], string];
  /** Lines never kept in the history (they carry a password). */
  isSecret?: (line: string) => boolean;
}

const NONE: KeyResult = { type: "none" };
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x1f\x7f-\x9f]/;

/** The input line's text, cursor and history, changed key by key. */
export class LineEditor {
  readonly buffer = new LineBuffer();
  #opts: LineEditorOptions;
  #history: string[];
  #index = -1;
  #draft = "";
  #lastWasTab = false;

  constructor(opts: LineEditorOptions) {
    this.#opts = opts;
    this.#history = opts.history.filter((line) => !this.#isSecret(line));
  }

  /** Input history, newest first. */
  get history(): string[] {
    return [...this.#history];
  }

  /** Insert text as it is (a paste: newlines included). */
  insert(text: string): void {
    this.#lastWasTab = false;
    this.buffer.insert(text);
  }

  /** Apply one key. */
  key(str: string | undefined, key: Key): KeyResult {
    const wasTab = this.#lastWasTab;
    this.#lastWasTab = key.name === "tab" && !key.ctrl && !key.meta;
    if (key.ctrl) return this.#ctrl(key.name ?? "");
    if (key.meta) return this.#meta(key.name ?? "");
    const b = this.buffer;
    switch (key.name) {
      case "return":
      case "enter":
        return this.#submit();
      case "tab":
        return this.#complete(wasTab);
      case "backspace":
        b.backspace();
        return NONE;
      case "delete":
        b.deleteForward();
        return NONE;
      case "left":
        b.left();
        return NONE;
      case "right":
        b.right();
        return NONE;
      case "home":
        b.home();
        return NONE;
      case "end":
        b.end();
        return NONE;
      case "up":
        this.#walk(1);
        return NONE;
      case "down":
        this.#walk(-1);
        return NONE;
      default:
        // Printable text; other named keys (F1, Insert, ...) do nothing here.
        if (str && !CONTROL_RE.test(str)) b.insert(str);
        return NONE;
    }
  }

  #ctrl(name: string): KeyResult {
    const b = this.buffer;
    switch (name) {
      case "c":
        if (b.text === "") return { type: "interrupt" };
        b.set("");
        this.#index = -1;
        return NONE;
      case "d":
        if (b.text === "") return { type: "end" };
        b.deleteForward();
        return NONE;
      case "a":
        b.home();
        return NONE;
      case "e":
        b.end();
        return NONE;
      case "b":
        b.left();
        return NONE;
      case "f":
        b.right();
        return NONE;
      case "h":
        b.backspace();
        return NONE;
      case "u":
        b.killToStart();
        return NONE;
      case "k":
        b.killToEnd();
        return NONE;
      case "w":
      case "backspace":
        b.deleteWordBack();
        return NONE;
      case "left":
        b.wordLeft();
        return NONE;
      case "right":
        b.wordRight();
        return NONE;
      case "l":
        return { type: "redraw" };
      case "n":
        return { type: "view", step: 1 };
      case "p":
        return { type: "view", step: -1 };
      default:
        return NONE;
    }
  }

  #meta(name: string): KeyResult {
    const b = this.buffer;
    // Alt-Left/Right and Ctrl-N/P step through the views, Alt-1..9 go to one.
    if (name === "left" || name === "right")
      return { type: "view", step: name === "left" ? -1 : 1 };
    if (/^[1-9]$/.test(name)) return { type: "view", number: Number(name) };
    if (name === "b") b.wordLeft();
    else if (name === "f") b.wordRight();
    else if (name === "backspace") b.deleteWordBack();
    return NONE;
  }

  #submit(): KeyResult {
    // Newlines a paste left at the end are not part of the message.
    const text = this.buffer.text.replace(/\n+$/, "");
    this.buffer.set("");
    this.#index = -1;
    this.#draft = "";
    if (text.trim() !== "" && !this.#isSecret(text)) {
      this.#history = [text, ...this.#history.filter((h) => h !== text)].slice(
        0,
        this.#opts.historySize,
      );
    }
    return { type: "submit", text };
  }

  // Up (1) to older entries, Down (-1) back to newer ones and finally the draft.
  #walk(step: 1 | -1): void {
    const next = this.#index + step;
    if (next < -1 || next >= this.#history.length) return;
    if (this.#index === -1) this.#draft = this.buffer.text;
    this.#index = next;
    this.buffer.set(next === -1 ? this.#draft : (this.#history[next] ?? ""));
  }

  #complete(isSecondTab: boolean): KeyResult {
    const completer = this.#opts.completer;
    if (!completer) return NONE;
    const b = this.buffer;
    const [candidates, word] = completer(b.text.slice(0, b.cursor));
    if (candidates.length === 0) return NONE;
    if (candidates.length === 1) {
      b.replaceBefore(word.length, candidates[0] ?? "");
      return NONE;
    }
    const prefix = commonPrefix(candidates);
    if (prefix.length > word.length) {
      b.replaceBefore(word.length, prefix);
      return NONE;
    }
    return isSecondTab ? { type: "candidates", list: candidates } : NONE;
  }

  #isSecret(line: string): boolean {
    return this.#opts.isSecret?.(line) === true;
  }
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? "";
  for (const w of words) {
    while (!w.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
