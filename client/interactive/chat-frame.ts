/** One frame of the chat line as rows: the header row, the prompt and input, the status row. */
import { toTerminal } from "../terminal-text.ts";
import type { ChatLineOptions } from "./chat-line-options.ts";
import { layoutLine } from "./line-layout.ts";

/** What a frame is drawn from, taken afresh for each drawing. */
export interface FrameSource {
  /** The prompt, ready for the terminal. */
  prompt: string;
  /** The text typed. */
  text: string;
  cursor: number;
  /** The owner's mask, status and header makers. */
  look: Pick<ChatLineOptions, "mask" | "status" | "header">;
}

/** A frame's rows and where the cursor goes in them. */
export interface Frame {
  rows: string[];
  height: number;
  cursorRow: number;
  cursorCol: number;
}

/** The terminal's size, as the output stream reports it. */
export type Sized = { columns?: number; rows?: number };

/**
 * The rows of a frame. A submitted frame (left on screen as typed) has no status row and no
 * header, and its cursor at the end. Everything passes through the funnel of terminal-text.ts.
 */
export function composeFrame(src: FrameSource, out: Sized, isSubmitted: boolean): Frame {
  const { text, look } = src;
  const shown = look.mask?.(text) ?? text;
  const status = isSubmitted ? null : (look.status?.(text) ?? null);
  const layout = layoutLine({
    prompt: src.prompt,
    text: shown.length === text.length ? shown : text.replace(/\S/g, "*"),
    cursor: isSubmitted ? text.length : src.cursor,
    columns: out.columns ?? 80,
    maxRows: Math.min(10, Math.max(2, (out.rows ?? 24) - 4)),
    info: status === null ? null : toTerminal(status),
  });
  const rows = layout.rows.map((row, i) =>
    i === layout.rows.length - 1 && status !== null ? row : toTerminal(row),
  );
  if (layout.hasPrompt) rows[0] = src.prompt + (rows[0] ?? "");
  // The header is cut to the width by its maker: it takes exactly one row.
  const header = isSubmitted ? null : (look.header?.(out.columns ?? 80) ?? null);
  if (header !== null) {
    rows.unshift(toTerminal(header));
    layout.height += 1;
    layout.cursorRow += 1;
  }
  const { height, cursorRow, cursorCol } = layout;
  return { rows, height, cursorRow, cursorCol };
}
