import { afterEach, describe, expect, test } from "bun:test";
import { msg, quitSession, setup } from "./interactive-harness.ts";

afterEach(quitSession);

describe("A catch-up from further back than the server keeps", () => {
  test("says how much is missing where, once per stream, and nothing when nothing is", async () => {
    const { term, conn } = await setup();
    conn.emit({
      type: "message",
      ...msg("m1", "lobby", "bob", "kept one"),
      seq: "0000000000000300",
    });
    conn.emit({
      type: "synced",
      cursor: "0000000000000300",
      more: true,
      truncated: [
        { room: "lobby", dropped: 120 },
        { user: "bob", dropped: 3 },
        { self: true, dropped: 1 },
      ],
    });
    conn.emit({ type: "synced", cursor: "0000000000000301", more: false, truncated: [] });
    const text = term.text();
    expect(text).toContain("-- missed more than the server keeps: 120 in #lobby");
    expect(text).toContain("-- missed more than the server keeps: 3 in @bob");
    expect(text).toContain("-- missed more than the server keeps: 1 in your events");
    expect(text.split("missed more than").length - 1).toBe(3);
  });

  test("a hostile name in the gap is made inert before it is printed", async () => {
    const { term, conn } = await setup();
    conn.emit({
      type: "synced",
      cursor: "0000000000000001",
      more: false,
      truncated: [{ room: "x\u001b[2Jy", dropped: 2 }],
    });
    expect(term.raw).not.toContain("\u001b[2J");
    expect(term.text()).toContain("missed more than the server keeps: 2 in #xy");
  });
});
