import { afterEach, describe, expect, test } from "bun:test";
import { msg, quitSession, setup } from "./interactive-harness.ts";
import { tick } from "./interactive-terminal.ts";

afterEach(quitSession);

describe("The interactive mode's catch-up through the cursor", () => {
  test("with a cursor, a reconnect fetches no history: the missed events come and show once", async () => {
    const { term, conn } = await setup();
    // A server that keeps a cursor: the connection resumes with `auth since=` by itself.
    Object.defineProperty(conn, "cursor", { value: "0000000000000005" });
    conn.emit({ type: "message", ...msg("m1", "lobby", "bob", "before"), seq: "0000000000000005" });
    conn.setState("reconnecting");
    const historyBefore = conn.ofType("history").length;
    conn.setState("open");
    // What the server sends after the session reply of `auth since=`: the catch-up, then live.
    conn.emit({
      type: "message",
      ...msg("m2", "lobby", "bob", "missed one"),
      seq: "0000000000000006",
    });
    conn.emit({
      type: "dm",
      id: "d1",
      from: "bob",
      to: "alice",
      text: "missed dm",
      ts: msg("", "", "", "").ts,
      seq: "0000000000000007",
    });
    conn.emit({ type: "synced", cursor: "0000000000000007", more: false, truncated: [] });
    conn.emit({ type: "message", ...msg("m3", "lobby", "bob", "live"), seq: "0000000000000008" });
    await Bun.sleep(0);
    await tick();
    expect(conn.ofType("history").length).toBe(historyBefore);
    const text = term.text();
    for (const line of ["bob: before", "bob: missed one", "missed dm", "bob: live"]) {
      expect(text.split(line).length - 1).toBe(1);
    }
    // The missed DM is counted in its view too.
    expect(term.screen().at(-2)).toBe("#dev [#lobby] @bob(1!)");
    expect(text).toContain("-- reconnected");
  });
});
