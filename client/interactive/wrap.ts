/**
 * Lines cut to the terminal's width at word boundaries, continuation rows indented by a
 * hanging indent (under a message's text). Widths are display widths: SGR colour codes take
 * none, wide characters two. Pure.
 */

// A colour code, or one character (a surrogate pair counted as one).
const SEGMENT_RE = /\x1b\[[0-9;]*m|[\s\S]/gu;
const SGR_RE = /^\x1b\[/;

/** The columns `text` takes on screen. */
export function displayWidth(text: string): number {
  return Bun.stringWidth(text);
}

/**
 * `line` (no newline in it) as rows of at most `columns`, broken at spaces where it can be;
 * rows after the first start with `hang` spaces. A word longer than a row is cut.
 */
export function wrapLine(line: string, columns: number, hang = 0): string[] {
  if (columns <= 0 || displayWidth(line) <= columns) return [line];
  // A hanging indent that leaves no room for the text is made smaller.
  const indent = " ".repeat(Math.max(0, Math.min(hang, Math.floor(columns / 2))));
  const rows: string[] = [];
  let row = "";
  let width = 0;
  for (const token of line.split(/( +)/)) {
    if (token === "") continue;
    const w = displayWidth(token);
    if (width + w <= columns) {
      row += token;
      width += w;
      continue;
    }
    if (token.startsWith(" ")) {
      // The spaces at a break are dropped.
      rows.push(row);
      row = indent;
      width = indent.length;
      continue;
    }
    if (width > indent.length && w <= columns - indent.length) {
      rows.push(row.trimEnd());
      row = indent + token;
      width = indent.length + w;
      continue;
    }
    // Longer than a row: cut it by characters.
    for (const seg of token.match(SEGMENT_RE) ?? []) {
      const sw = SGR_RE.test(seg) ? 0 : displayWidth(seg);
      if (width + sw > columns) {
        rows.push(row);
        row = indent;
        width = indent.length;
      }
      row += seg;
      width += sw;
    }
  }
  rows.push(row);
  return rows.filter((r, i) => i === 0 || r.trim() !== "");
}
