/**
 * The text being edited on the chat line and the cursor in it, with the editing moves of
 * a shell (Ctrl-A/E/U/K/W, word moves). Pure: no terminal, no keys, no drawing.
 */

// A code point before `i` may be two UTF-16 units: never leave the cursor between them.
function isLowSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff;
}

const WORD_CHAR_RE = /[\p{L}\p{N}_]/u;

/** An editable line of text (it may hold newlines, from a paste) and a cursor. */
export class LineBuffer {
  #text = "";
  #cursor = 0;

  /** The whole text. */
  get text(): string {
    return this.#text;
  }

  /** The cursor, as an index into `text`. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Replace the text; the cursor goes to its end. */
  set(text: string): void {
    this.#text = text;
    this.#cursor = text.length;
  }

  /** Insert at the cursor. */
  insert(text: string): void {
    this.#text = this.#text.slice(0, this.#cursor) + text + this.#text.slice(this.#cursor);
    this.#cursor += text.length;
  }

  /** Replace the `length` units before the cursor with `text` (Tab completion). */
  replaceBefore(length: number, text: string): void {
    const start = Math.max(0, this.#cursor - length);
    this.#text = this.#text.slice(0, start) + text + this.#text.slice(this.#cursor);
    this.#cursor = start + text.length;
  }

  /** Delete the character before the cursor. */
  backspace(): void {
    const from = this.#prev(this.#cursor);
    this.#cut(from, this.#cursor);
  }

  /** Delete the character under the cursor. */
  deleteForward(): void {
    this.#cut(this.#cursor, this.#next(this.#cursor));
  }

  /** Move one character left or right. */
  left(): void {
    this.#cursor = this.#prev(this.#cursor);
  }

  right(): void {
    this.#cursor = this.#next(this.#cursor);
  }

  /** Move to the start or the end. */
  home(): void {
    this.#cursor = 0;
  }

  end(): void {
    this.#cursor = this.#text.length;
  }

  /** Move to the start of this or the previous word. */
  wordLeft(): void {
    this.#cursor = this.#wordStart(this.#cursor);
  }

  /** Move past the end of this or the next word. */
  wordRight(): void {
    let i = this.#cursor;
    while (i < this.#text.length && !this.#isWordAt(i)) i = this.#next(i);
    while (i < this.#text.length && this.#isWordAt(i)) i = this.#next(i);
    this.#cursor = i;
  }

  /** Delete the word before the cursor (Ctrl-W). */
  deleteWordBack(): void {
    this.#cut(this.#wordStart(this.#cursor), this.#cursor);
  }

  /** Delete from the start to the cursor (Ctrl-U). */
  killToStart(): void {
    this.#cut(0, this.#cursor);
  }

  /** Delete from the cursor to the end (Ctrl-K). */
  killToEnd(): void {
    this.#cut(this.#cursor, this.#text.length);
  }

  #cut(from: number, to: number): void {
    if (to <= from) return;
    this.#text = this.#text.slice(0, from) + this.#text.slice(to);
    this.#cursor = from;
  }

  #prev(i: number): number {
    if (i <= 0) return 0;
    return isLowSurrogate(this.#text, i - 1) && i >= 2 ? i - 2 : i - 1;
  }

  #next(i: number): number {
    if (i >= this.#text.length) return this.#text.length;
    return isLowSurrogate(this.#text, i + 1) ? i + 2 : i + 1;
  }

  #isWordAt(i: number): boolean {
    return WORD_CHAR_RE.test(String.fromCodePoint(this.#text.codePointAt(i) ?? 32));
  }

  #wordStart(from: number): number {
    let i = from;
    while (i > 0 && !this.#isWordAt(this.#prev(i))) i = this.#prev(i);
    while (i > 0 && this.#isWordAt(this.#prev(i))) i = this.#prev(i);
    return i;
  }
}
