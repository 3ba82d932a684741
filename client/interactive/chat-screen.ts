/** The chat line's screen: the frame drawn last, erased and drawn again, lines printed above. */
import { composeFrame, type FrameSource, type Sized } from "./chat-frame.ts";

/** Owns the rows of the terminal the chat line takes; keeps its previous frame to redraw. */
export class ChatScreen {
  #output: NodeJS.WritableStream;
  #source: () => FrameSource;
  /** The frame on screen: its height and the row of the cursor in it (null: none drawn). */
  #frame: { height: number; cursorRow: number } | null = null;
  /** Rows of the line just submitted, left on screen right above the frame. */
  #submittedRows: number | null = null;

  constructor(output: NodeJS.WritableStream, source: () => FrameSource) {
    this.#output = output;
    this.#source = source;
  }

  /** The terminal's width in columns. */
  get columns(): number {
    return (this.#output as Sized).columns ?? 80;
  }

  /** Write text as it is (made inert by the caller). */
  write(text: string): void {
    this.#output.write(text);
  }

  /** Print inert text above the frame, which is drawn again below it. */
  printNow(text: string): void {
    this.erase();
    this.#submittedRows = null;
    this.write(`${text.replace(/\n/g, "\r\n")}\r\n`);
    this.draw();
  }

  /** Clear the screen and draw the frame again at the top. */
  clear(): void {
    this.erase();
    this.#submittedRows = null;
    this.write("\x1b[H\x1b[2J\x1b[3J");
    this.draw();
  }

  /** The terminal was cleared by a key (Ctrl-L): nothing of the old frame is left. */
  cleared(): void {
    this.#frame = null;
    this.write("\x1b[H\x1b[2J");
  }

  /** Erase the line just submitted and the frame, then draw the frame again. */
  eraseSubmitted(): void {
    const rows = this.#submittedRows;
    if (rows === null || !this.#frame) return;
    this.write(`\x1b[${rows + this.#frame.cursorRow}A\r\x1b[J`);
    this.#frame = null;
    this.#submittedRows = null;
    this.draw();
  }

  /**
   * Leave the frame on screen as submitted and draw a fresh one below it; `between` sets the
   * input the fresh one shows.
   */
  submit(between: () => void): void {
    const rows = this.draw(true);
    this.write("\r\n");
    this.#frame = null;
    between();
    this.#submittedRows = rows;
    this.draw();
  }

  /** Back to the first row of the frame, cleared to the end of the screen. */
  erase(): void {
    const frame = this.#frame;
    if (!frame) return;
    this.write(`${frame.cursorRow > 0 ? `\x1b[${frame.cursorRow}A` : ""}\r\x1b[J`);
    this.#frame = null;
  }

  /** Draw the frame in place of the previous one; returns its height. */
  draw(isSubmitted = false): number {
    this.erase();
    const frame = composeFrame(this.#source(), this.#output as Sized, isSubmitted);
    const below = frame.height - 1 - frame.cursorRow;
    const back = `${below > 0 ? `\x1b[${below}A` : ""}\r${frame.cursorCol > 0 ? `\x1b[${frame.cursorCol}C` : ""}`;
    this.write(frame.rows.join("\r\n") + (isSubmitted ? "" : back));
    this.#frame = { height: frame.height, cursorRow: frame.cursorRow };
    return frame.height;
  }
}
