/**
 * Tells pasted keys from typed ones. A terminal with bracketed paste marks a paste
 * (`ESC[200~ ... ESC[201~`); without it, keys that arrive in one read with text after a
 * newline were pasted, and so are the next reads soon after (a long paste comes in several
 * reads). Pasted text and newlines go into the input; they never submit it.
 */
import type { Key } from "./line-editor.ts";

/** One decoded key: its text (if any) and its name and modifiers. */
export type KeyPress = [string | undefined, Key];

/** What one key of a read is: text for the input (pasted), or a key to act on. */
export type ReadItem = { text: string } | { key: KeyPress };

// Without bracketed paste, reads this soon after a paste still belong to it.
const PASTE_WINDOW_MS = 40;

/** Sorts the keys of each read of the terminal. */
export class PasteReader {
  #now: () => number;
  #isInside = false;
  /** The terminal marks its pastes: keys are never taken for a paste by their timing. */
  #isMarking = false;
  #windowEnd = -Infinity;
  #lastCR = false;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Forget a paste under way (its end went to a dialog). */
  reset(): void {
    this.#isInside = false;
    this.#windowEnd = -Infinity;
    this.#lastCR = false;
  }

  /** The keys of one read, in order, as pasted text or keys to act on. */
  *read(keys: KeyPress[]): Generator<ReadItem> {
    const now = this.#now();
    if (keys.some(([, key]) => key.name === "paste-start")) this.#isMarking = true;
    if (!this.#isMarking && looksPasted(keys)) this.#windowEnd = now + PASTE_WINDOW_MS;
    // A lone Enter is pressed, not pasted: a paste's next read brings text with it.
    const isInWindow = now < this.#windowEnd && keys.length > 1;
    for (const [str, key] of keys) {
      if (key.name === "paste-start" || key.name === "paste-end") {
        this.#isInside = key.name === "paste-start";
        continue;
      }
      const text = this.#isInside || isInWindow ? this.#pasted(str, key) : null;
      // Inside a marked paste only text counts: pasted escape sequences move nothing.
      if (text !== null) {
        if (text !== "") yield { text };
      } else if (!this.#isInside) {
        this.#lastCR = false;
        yield { key: [str, key] };
      }
    }
  }

  // The text a pasted key stands for ("" for the LF of a CR LF), or null for none.
  #pasted(str: string | undefined, key: Key): string | null {
    if (key.name === "return" || key.name === "enter") {
      const isSecondHalf = this.#lastCR && str === "\n";
      this.#lastCR = str === "\r";
      return isSecondHalf ? "" : "\n";
    }
    this.#lastCR = false;
    const isText = str !== undefined && !key.ctrl && !key.meta && str >= " ";
    return str === "\t" || (isText && key.name !== "escape") ? (str ?? "") : null;
  }
}

// Keys of one read with text after a newline were pasted, not typed.
function looksPasted(keys: KeyPress[]): boolean {
  let sawNewline = false;
  for (const [str, key] of keys) {
    if (key.name === "return" || key.name === "enter") sawNewline = true;
    else if (sawNewline && str && str >= " ") return true;
  }
  return false;
}
