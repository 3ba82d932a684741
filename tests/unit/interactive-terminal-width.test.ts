// The chat at the width of the terminal: messages, notices, /help and tables fit 40 columns.
import { afterEach, describe, expect, test } from "bun:test";
import { wrapLine } from "../../client/interactive/wrap.ts";
import { msg, quitSession, room, setup, TS } from "./interactive-harness.ts";
import { KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

const settle = () => Bun.sleep(5);

function widest(lines: string[]): number {
  return Math.max(...lines.map((l) => Bun.stringWidth(l)));
}

describe("the width of the terminal", () => {
  test("a long message wraps at spaces, continuation rows under its text, at 40 columns", async () => {
    const { term, conn } = await setup({ columns: 40 });
    const text = "the quick brown fox jumps over the lazy dog and keeps on running far away";
    conn.emit({ type: "message", ...msg("m1", "lobby", "bob", text) });
    await settle();
    const start = term.screen().findIndex((l) => l.includes("bob: the quick"));
    const rows = term.screen().slice(start, start + 3);
    const d = new Date(TS);
    const hhmm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    expect(rows).toEqual([
      `${hhmm} bob: the quick brown fox jumps`,
      "           over the lazy dog and keeps",
      "           on running far away",
    ]);
  });

  test("wrapLine cuts a word longer than a row and keeps colour codes out of the width", () => {
    expect(wrapLine("ab \x1b[1mcdefgh\x1b[22m", 5, 2)).toEqual([
      "ab \x1b[1mcd",
      "  efg",
      "  h\x1b[22m",
    ]);
  });

  test("/help fits 40 columns and lists the IRC names", async () => {
    const { term } = await setup({ columns: 40 });
    await term.type(`/help${KEY.enter}`);
    await settle();
    const lines = term.screen();
    expect(widest(lines)).toBeLessThanOrEqual(40);
    const text = term.text();
    for (const name of [
      "/j = /join",
      "/part = /leave",
      "/names = /who",
      "/msg",
      "/clear",
      "/nick",
    ]) {
      expect(text).toContain(name);
    }
  });

  test("a notice wraps under its text at 40 columns", async () => {
    const { term } = await setup({ columns: 40 });
    await term.type(`/nick bobby${KEY.enter}`);
    await settle();
    const rows = term.screen();
    const first = rows.findIndex((r) => r.startsWith("-- names are fixed"));
    expect(rows.slice(first, first + 3)).toEqual([
      "-- names are fixed: you are alice for",
      "   good; /register <name> makes another",
      "   account",
    ]);
  });

  test("/sessions at 40 columns keeps the whole id that /revoke takes", async () => {
    const { term, conn } = await setup({ columns: 40 });
    const session = {
      id: "7c22ab6c7545",
      created: TS,
      lastUsed: TS,
      client: "chat 0.1.0 (linux)",
      address: "203.0.113.200",
      current: true,
    };
    conn.answer = (m) => (m.type === "sessions" ? { type: "sessions", sessions: [session] } : null);
    await term.type(`/sessions${KEY.enter}`);
    await settle();
    const row = term.screen().find((r) => r.startsWith("*"));
    expect(row).toContain("7c22ab6c7545");
    expect(Bun.stringWidth(row ?? "")).toBeLessThanOrEqual(40);
  });

  test("/rooms at 40 columns shrinks its columns and cuts cells with an ellipsis", async () => {
    const { term, conn } = await setup({ columns: 40 });
    conn.rooms = [
      { ...room("lobby", "member"), topic: "a topic far too long to fit in forty columns" },
    ];
    await term.type(`/rooms${KEY.enter}`);
    await settle();
    const start = term.screen().findIndex((l) => l.startsWith("ROOM"));
    const table = term.screen().slice(start, start + 2);
    expect(table).toHaveLength(2);
    expect(widest(table)).toBeLessThanOrEqual(40);
    expect(table[1]).toStartWith("#lobby ");
    expect(table[1]).toContain("…");
  });
});
