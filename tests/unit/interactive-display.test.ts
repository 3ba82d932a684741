import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateStore } from "../../client/interactive/history-file.ts";
import { colorDepth, colorName } from "../../client/interactive/name-color.ts";
import { dialogWords } from "../../client/interactive/words.ts";
import { makeColors } from "../../client/render.ts";
import { toTerminal } from "../../client/terminal-text.ts";
import { msg, quitSession, setup } from "./interactive-harness.ts";
import { KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

const DAY = 24 * 60 * 60 * 1000;

describe("the backlog's days", () => {
  test("messages not from today come after a line naming their day; today's after one too", async () => {
    const now = Date.parse("2026-11-29T12:00:00");
    const { term, conn } = await setup({ now: () => now });
    const yesterday = new Date(now - DAY).toISOString();
    const today = new Date(now - 60_000).toISOString();
    conn.emit({ type: "message", ...msg("y1", "lobby", "bob", "said yesterday"), ts: yesterday });
    conn.emit({ type: "message", ...msg("t1", "lobby", "bob", "said today"), ts: today });
    const text = term.text();
    expect(text).toContain("--- Saturday 28 November ---\n");
    expect(text).toContain("--- Sunday 29 November ---\n");
    expect(text.indexOf("Saturday 28")).toBeLessThan(text.indexOf("said yesterday"));
    expect(text.indexOf("said yesterday")).toBeLessThan(text.indexOf("Sunday 29"));
    expect(text.indexOf("Sunday 29")).toBeLessThan(text.indexOf("said today"));
  });

  test("no day line before messages from today", async () => {
    const now = Date.parse("2026-11-29T12:00:00");
    const { term, conn } = await setup({ now: () => now });
    const today = new Date(now - 60_000).toISOString();
    conn.emit({ type: "message", ...msg("t1", "lobby", "bob", "said today"), ts: today });
    expect(term.text()).not.toContain("---");
  });
});

describe("name colours", () => {
  const codeOf = (name: string, depth: 16 | 256) =>
    /\x1b\[([\d;]+)m/.exec(toTerminal(colorName(name, makeColors(true), depth)).slice(4))?.[1];

  test("bob and carol get different colours, in 16 and in 256 colours", () => {
    expect(codeOf("bob", 16)).not.toBe(codeOf("carol", 16));
    expect(codeOf("bob", 256)).not.toBe(codeOf("carol", 256));
    expect(codeOf("bob", 256)).toMatch(/^38;5;\d+$/);
  });

  test("the palette has many colours: 40 names get at least 12 (16) and 20 (256)", () => {
    const names = Array.from({ length: 40 }, (_, i) => `user${i}`);
    expect(new Set(names.map((n) => codeOf(n, 16))).size).toBeGreaterThanOrEqual(12);
    expect(new Set(names.map((n) => codeOf(n, 256))).size).toBeGreaterThanOrEqual(20);
  });

  test("256 colours only where the terminal says so; NO_COLOR leaves names plain", () => {
    expect(colorDepth({ TERM: "xterm-256color" })).toBe(256);
    expect(colorDepth({ TERM: "xterm", COLORTERM: "truecolor" })).toBe(256);
    expect(colorDepth({ TERM: "xterm" })).toBe(16);
    expect(toTerminal(colorName("bob", makeColors(false), 256))).toBe("bob");
  });
});

describe("input history", () => {
  test("is kept per server and account; a pasted block is one entry", () => {
    const store = new StateStore(mkdtempSync(join(tmpdir(), "chat-history-")));
    store.saveHistory("ws://a", "alice", ["two\nlines", "hello"]);
    store.saveHistory("ws://a", "bob", ["bob's"]);
    expect(store.loadHistory("ws://a", "alice")).toEqual(["two\nlines", "hello"]);
    expect(store.loadHistory("ws://a", "bob")).toEqual(["bob's"]);
    expect(store.loadHistory("ws://b", "alice")).toEqual([]);
    expect(readdirSync(store.dir).filter((f) => f.startsWith("history-")).length).toBe(2);
  });
});

describe("words for the chat", () => {
  test("errors in dialogs carry no shell advice", () => {
    const told = dialogWords(
      "error: name must be 1-32 characters\ncheck the arguments; `chat help <command>` shows the usage",
    );
    expect(told).toBe("name must be 1-32 characters");
    expect(
      dialogWords(
        "error: taken\nchoose another name, or check the current state with `chat rooms`",
      ),
    ).toBe("taken\nchoose another name");
    expect(dialogWords("error: no such room\ncheck the name; `chat rooms` lists them")).toBe(
      "no such room\ncheck the name; `/rooms` lists them",
    );
  });

  test("/completion is for the shell: /help leaves it out and running it says so", async () => {
    const { term } = await setup();
    await term.type(`/help${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).not.toContain("/completion");
    await term.type(`/completion bash${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).toContain(
      "-- shell completion is for the shell: run `chat completion bash`",
    );
    expect(term.text()).not.toContain("complete -F");
  });
});
