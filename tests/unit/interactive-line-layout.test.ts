import { describe, expect, test } from "bun:test";
import { layoutLine } from "../../client/interactive/line-layout.ts";

const base = { prompt: "> ", text: "", cursor: 0, columns: 10, maxRows: 5, info: null };

describe("chat line layout", () => {
  test("input that exactly fills a row puts the cursor at the start of the next one", () => {
    const layout = layoutLine({ ...base, text: "12345678", cursor: 8 });
    expect(layout.rows).toEqual(["12345678", ""]);
    expect([layout.cursorRow, layout.cursorCol, layout.height]).toEqual([1, 0, 2]);
  });

  test("a prompt wider than the terminal wraps by itself and is counted", () => {
    const layout = layoutLine({ ...base, prompt: "#a-very-long-room> ", text: "hi", cursor: 2 });
    // 19 columns of prompt: a row and 9 columns more; "h" fills the second row.
    expect(layout.rows).toEqual(["h", "i"]);
    expect([layout.cursorRow, layout.cursorCol, layout.height]).toEqual([2, 1, 3]);
  });

  test("a wide character that does not fit goes whole to the next row", () => {
    const layout = layoutLine({ ...base, text: "1234567日", cursor: 8 });
    expect(layout.rows).toEqual(["1234567", "日"]);
    expect([layout.cursorRow, layout.cursorCol]).toEqual([1, 2]);
  });

  test("control characters show as ?, tabs as spaces, newlines as ↵ ending the row", () => {
    const layout = layoutLine({ ...base, text: "a\x1bb\tc\nd", cursor: 0 });
    expect(layout.rows).toEqual(["a?b c↵", "d"]);
  });

  test("a tall input shows the rows around the cursor, marked where rows are hidden above", () => {
    const text = ["l1", "l2", "l3", "l4", "l5", "l6"].join("\n");
    const layout = layoutLine({ ...base, text, cursor: text.length, maxRows: 3, info: "6 lines" });
    expect(layout.hasPrompt).toBe(false);
    expect(layout.rows).toEqual(["…4↵", "l5↵", "l6", "6 lines"]);
    expect([layout.cursorRow, layout.cursorCol, layout.height]).toEqual([2, 2, 4]);
  });
});
