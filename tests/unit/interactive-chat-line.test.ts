import { afterEach, describe, expect, test } from "bun:test";
import { ChatLine } from "../../client/interactive/chat-line.ts";
import { FakeTerminal, KEY, tick } from "./interactive-terminal.ts";

let line: ChatLine | null = null;
afterEach(() => line?.close());

function open(term: FakeTerminal, extra: Partial<ConstructorParameters<typeof ChatLine>[0]> = {}) {
  const events: string[] = [];
  line = new ChatLine({
    input: term.input,
    output: term.output,
    prompt: "#lobby> ",
    onLine: (l) => events.push(`line:${l}`),
    onInterrupt: () => events.push("interrupt"),
    onEnd: () => events.push("end"),
    ...extra,
  });
  return { line, events };
}

describe("ChatLine", () => {
  test("a line printed while the user types appears above the prompt and the typed text stays", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term);
    await term.type("half a sent");
    line.print("12:00 bob: hello");
    expect(term.screen()).toEqual(["12:00 bob: hello", "#lobby> half a sent"]);
    await term.type("ence" + KEY.enter);
    expect(term.screen()).toEqual(["12:00 bob: hello", "#lobby> half a sentence", "#lobby>"]);
  });

  test("long input wrapped over several rows is redrawn once, below the printed lines", async () => {
    const term = new FakeTerminal(20);
    const { line, events } = open(term);
    await term.type("this input is long enough to wrap twice");
    line.print("12:00 bob: one");
    line.print("12:01 carol: two");
    expect(term.screen()).toEqual([
      "12:00 bob: one",
      "12:01 carol: two",
      "#lobby> this input i",
      "s long enough to wra",
      "p twice",
    ]);
    await term.type(KEY.enter);
    expect(events).toEqual(["line:this input is long enough to wrap twice"]);
  });

  test("printing with the cursor in the middle of wrapped input keeps the cursor there", async () => {
    const term = new FakeTerminal(20);
    const { line } = open(term);
    await term.type("abcdefghijklmnopqrstuvwxyz");
    await term.type(KEY.left.repeat(15));
    line.print("12:00 bob: hi");
    await term.type("_");
    expect(term.screen()).toEqual(["12:00 bob: hi", "#lobby> abcdefghijk_", "lmnopqrstuvwxyz"]);
  });

  test("multi-line text is printed as separate rows", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term);
    line.print("first\nsecond");
    expect(term.screen()).toEqual(["first", "second", "#lobby>"]);
  });

  test("the prompt can change while text is typed", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term);
    await term.type("draft");
    line.setPrompt("#lobby (bob is typing)> ");
    expect(term.screen()).toEqual(["#lobby (bob is typing)> draft"]);
    expect(line.line).toBe("draft");
  });

  test("Ctrl-C clears a non-empty line and reports an interrupt on an empty one", async () => {
    const term = new FakeTerminal(40);
    const { line, events } = open(term);
    await term.type("oops" + KEY.ctrlC);
    expect(line.line).toBe("");
    expect(events).toEqual([]);
    await term.type(KEY.ctrlC);
    expect(events).toEqual(["interrupt"]);
  });

  test("Ctrl-D on an empty line ends the chat line", async () => {
    const term = new FakeTerminal(40);
    const { events } = open(term);
    await term.type(KEY.ctrlD);
    expect(events).toEqual(["end"]);
  });

  test("a modal dialog gets the terminal; lines printed meanwhile show after it", async () => {
    const term = new FakeTerminal(40);
    const { line, events } = open(term, { history: ["older"] });
    await term.type("first" + KEY.enter);
    await line.modal(async () => {
      line.print("12:00 bob: while the dialog ran");
      term.output.write("DIALOG\r\n");
      expect(line.isSuspended).toBe(true);
    });
    expect(term.screen()).toEqual([
      "#lobby> first",
      "DIALOG",
      "12:00 bob: while the dialog ran",
      "#lobby>",
    ]);
    await term.type(KEY.up);
    expect(line.line).toBe("first");
    await term.type(KEY.up);
    expect(line.line).toBe("older");
    expect(events).toEqual(["line:first"]);
  });

  test("Tab completes with the completer", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term, {
      completer: (l) => [["/join "].filter((c) => c.startsWith(l)), l],
    });
    await term.type("/jo" + KEY.tab);
    await tick();
    expect(line.line).toBe("/join ");
  });

  test("edits are reported with the new line, and with an empty line after Enter", async () => {
    const term = new FakeTerminal(40);
    const edits: string[] = [];
    open(term, { onEdit: (l) => edits.push(l) });
    await term.type("hi" + KEY.backspace + KEY.enter);
    expect(edits).toEqual(["h", "hi", "h", ""]);
  });
});
