import { describe, expect, test } from "bun:test";
import { QUEUE_MAX } from "../../client/interactive/chat-line.ts";
import { maskTyped } from "../../client/interactive/mask.ts";
import { FakeTerminal, KEY, tick, useChatLine } from "./interactive-terminal.ts";

const open = useChatLine();

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

  test("lines printed during a long dialog are kept up to a bound, the newest ones", async () => {
    const term = new FakeTerminal(60, 20);
    const { line } = open(term);
    await line.modal(async () => {
      for (let i = 1; i <= QUEUE_MAX + 5; i++) line.print(`line ${i}`);
    });
    const text = term.text();
    expect(text).toContain("-- 5 earlier lines were not kept during the dialog");
    expect(text).toContain(`line ${QUEUE_MAX + 5}\n#lobby>`);
    expect(text.split("\n")).not.toContain("line 5");
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

describe("ChatLine keys and screen", () => {
  test("a password is masked as it is typed; the line holds it", async () => {
    const term = new FakeTerminal(60);
    const { line, events } = open(term, { mask: maskTyped });
    await term.type("/login bob hunter22");
    expect(term.screen()).toEqual(["#lobby> /login bob ********"]);
    expect(line.line).toBe("/login bob hunter22");
    await term.type(KEY.enter);
    expect(term.text()).not.toContain("hunter22");
    expect(events).toEqual(["line:/login bob hunter22"]);
  });

  test("word and line editing keys", async () => {
    const term = new FakeTerminal(60);
    const { line } = open(term);
    await term.type("one two three\x17"); // Ctrl-W
    expect(line.line).toBe("one two ");
    await term.type("\x01X\x05Y"); // Ctrl-A, Ctrl-E
    expect(line.line).toBe("Xone two Y");
    await term.type("\x1bb\x0b"); // Alt-B, Ctrl-K
    expect(line.line).toBe("Xone two ");
    await term.type(`${KEY.left}${KEY.left}\x15`); // Ctrl-U
    expect(line.line).toBe("o ");
  });

  test("Up keeps the draft and Down brings it back", async () => {
    const term = new FakeTerminal(60);
    const { line } = open(term, { history: ["older"] });
    await term.type(`draft${KEY.up}`);
    expect(line.line).toBe("older");
    await term.type(KEY.down);
    expect(line.line).toBe("draft");
  });

  test("wide characters wrap whole, and the cursor stays after them", async () => {
    const term = new FakeTerminal(12);
    const { line } = open(term);
    await term.type("日本語の");
    expect(term.screen()).toEqual(["#lobby> 日本", "語の"]);
    line.print("x");
    await term.type("!");
    expect(term.screen()).toEqual(["x", "#lobby> 日本", "語の!"]);
  });

  test("a narrower terminal gets the input drawn again at its width", async () => {
    const term = new FakeTerminal(40);
    open(term);
    await term.type("abcdefghijklmnopqrstuvwxyz");
    term.output.columns = 20;
    term.output.emit("resize");
    expect(term.screen()).toEqual(["#lobby> abcdefghijkl", "mnopqrstuvwxyz"]);
  });

  test("Ctrl-L draws the line again on a cleared screen", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term);
    line.print("old line");
    await term.type("typed\x0c");
    expect(term.raw).toContain("\x1b[2J");
    expect(line.line).toBe("typed");
  });

  test("closing leaves no prompt behind", async () => {
    const term = new FakeTerminal(40);
    const { line } = open(term);
    line.print("last words");
    await term.type("unsent");
    line.close();
    expect(term.screen()).toEqual(["last words"]);
    expect(term.raw).toContain("\x1b[?2004l");
  });

  test("a double Tab lists the candidates above the prompt", async () => {
    const term = new FakeTerminal(40);
    open(term, { completer: (l) => [["/join", "/jump"].filter((c) => c.startsWith(l)), l] });
    await term.type("/j\t\t");
    expect(term.screen()).toEqual(["/join  /jump", "#lobby> /j"]);
  });
});
