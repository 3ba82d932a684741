/**
 * Where the prompt, the input and its status row fall on the screen: rows cut at the
 * terminal's width by display width (wide characters; a newline of a paste shown as `↵`
 * at the end of its row), and a window of rows around the cursor when the input is taller
 * than allowed. Pure.
 */

/** What to lay out. `prompt` and `info` are ready for the terminal (their widths are measured). */
export interface LayoutInput {
  prompt: string;
  /** The text as shown (passwords already masked), as long as the edited text. */
  text: string;
  cursor: number;
  columns: number;
  /** Most rows of input shown at once. */
  maxRows: number;
  /** A status row under the input (counts), or null. */
  info: string | null;
}

/**
 * The rows to draw, and where the cursor goes (rows counted as the terminal shows them).
 * The first row follows the prompt when `hasPrompt`; the last is `info` when one was given.
 * Input rows hold characters from `shownChar` only.
 */
export interface Layout {
  rows: string[];
  hasPrompt: boolean;
  /** Rows the frame takes on screen (a prompt wider than the terminal wraps by itself). */
  height: number;
  cursorRow: number;
  cursorCol: number;
}

// Shown in place of characters that would move the cursor or that the funnel removes.
const UNSHOWN_RE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** How one character of the input shows. */
export function shownChar(ch: string): string {
  if (ch === "\n") return "↵";
  if (ch === "\t") return " ";
  return UNSHOWN_RE.test(ch) ? "?" : ch;
}

/** Lay out prompt, input and status for a terminal `columns` wide. */
export function layoutLine(input: LayoutInput): Layout {
  const columns = Math.max(2, input.columns);
  const promptWidth = Bun.stringWidth(input.prompt);
  // The prompt is written as one piece: the terminal wraps it if it is wider than a row.
  const promptExtra = promptWidth === 0 ? 0 : Math.floor((promptWidth - 1) / columns);
  const rows: string[] = [""];
  let col = promptWidth - promptExtra * columns;
  let cursor = { row: 0, col };
  let index = 0;
  for (const ch of input.text) {
    const shown = shownChar(ch);
    const width = Bun.stringWidth(shown);
    if (col + width > columns) {
      rows.push("");
      col = 0;
    }
    if (index === input.cursor) cursor = { row: rows.length - 1, col };
    rows[rows.length - 1] += shown;
    col += width;
    index += ch.length;
    // Each line of a paste starts a row of its own.
    if (ch === "\n") {
      rows.push("");
      col = 0;
    }
  }
  if (input.cursor >= input.text.length) {
    // At the end of a full row the cursor waits at the start of the next one.
    if (col >= columns) {
      rows.push("");
      col = 0;
    }
    cursor = { row: rows.length - 1, col };
  }
  const maxRows = Math.max(1, input.maxRows);
  const start = Math.max(0, Math.min(cursor.row - maxRows + 1, rows.length - maxRows));
  const shown = rows.slice(start, start + maxRows);
  // Rows scrolled out of the window above: the first one shown says so.
  if (start > 0) shown[0] = `…${[...(shown[0] ?? "")].slice(1).join("")}`;
  const extra = start === 0 ? promptExtra : 0;
  if (input.info !== null) shown.push(input.info);
  return {
    rows: shown,
    hasPrompt: start === 0,
    height: shown.length + extra,
    cursorRow: cursor.row - start + extra,
    cursorCol: cursor.col,
  };
}
