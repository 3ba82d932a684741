// The chat line and pastes: one unit in the input, never sent by itself, one history entry.
import { describe, expect, test } from "bun:test";
import { FakeTerminal, KEY, tick, useChatLine } from "./interactive-terminal.ts";

const open = useChatLine();

describe("ChatLine paste", () => {
  test("a bracketed paste lands in the input as one unit: not sent, one edit, sent with Enter", async () => {
    const term = new FakeTerminal(60);
    const edits: string[] = [];
    const { line, events } = open(term, { onEdit: (l) => edits.push(l) });
    // The terminal was asked for bracketed paste.
    expect(term.raw).toContain("\x1b[?2004h");
    await term.type("see: ");
    edits.length = 0;
    term.input.write("\x1b[200~first line\rsecond line\rthird, no newline\x1b[201~");
    await tick();
    expect(events).toEqual([]);
    expect(line.line).toBe("see: first line\nsecond line\nthird, no newline");
    expect(edits).toEqual(["see: first line\nsecond line\nthird, no newline"]);
    expect(term.screen()).toEqual([
      "#lobby> see: first line↵",
      "second line↵",
      "third, no newline",
    ]);
    await term.type(KEY.enter);
    expect(events).toEqual(["line:see: first line\nsecond line\nthird, no newline"]);
  });

  test("keys inside a marked paste are text only: a pasted arrow or Ctrl-C does nothing", async () => {
    const term = new FakeTerminal(60);
    const { line, events } = open(term);
    term.input.write("\x1b[200~ab\x1b[D\x03c\x1b[201~");
    await tick();
    expect(line.line).toBe("abc");
    expect(events).toEqual([]);
  });

  test("a paste ending with a newline is not sent by itself", async () => {
    const term = new FakeTerminal(60);
    const { line, events } = open(term);
    term.input.write("\x1b[200~one\rtwo\r\x1b[201~");
    await tick();
    expect(events).toEqual([]);
    await term.type(KEY.enter);
    expect(events).toEqual(["line:one\ntwo"]);
    expect(line.line).toBe("");
  });

  test("a pasted block is one history entry", async () => {
    const term = new FakeTerminal(60);
    const { line } = open(term);
    term.input.write("\x1b[200~one\rtwo\x1b[201~");
    await tick();
    await term.type(`${KEY.enter}typed${KEY.enter}`);
    expect(line.history).toEqual(["typed", "one\ntwo"]);
    await term.type(KEY.up + KEY.up);
    expect(line.line).toBe("one\ntwo");
  });

  test("a paste taller than the screen shows a window of it; printing above keeps the frame", async () => {
    const term = new FakeTerminal(20, 12);
    const { line } = open(term);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    term.input.write(`\x1b[200~${lines.join("\r")}\x1b[201~`);
    await tick();
    line.print("12:00 bob: hi");
    // 8 rows of input at most on a 12-row terminal, the last one holding the cursor.
    expect(term.screen()).toEqual([
      "12:00 bob: hi",
      "…ine 23↵",
      ...lines.slice(23, 29).map((l) => `${l}↵`),
      "line 30",
    ]);
    expect(line.line).toBe(lines.join("\n"));
  });

  test("the status row shows under the input and goes once it is sent", async () => {
    const term = new FakeTerminal(40);
    open(term, { status: (l) => (l.length > 5 ? `${l.length}/10` : null) });
    await term.type("abcdefg");
    expect(term.screen()).toEqual(["#lobby> abcdefg", "7/10"]);
    await term.type(KEY.enter);
    expect(term.screen()).toEqual(["#lobby> abcdefg", "#lobby>"]);
  });
});
