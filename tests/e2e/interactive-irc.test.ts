import { beforeAll, describe, expect, test } from "bun:test";
import { useTerminals } from "./terminals.ts";
import { hasTmux } from "./tmux.ts";

// IRC habits typed in real terminals (tmux): alice administers #lobby and #dev, bob is in
// #lobby and #den, carol reads #lobby on a 40-column terminal.
describe.skipIf(!hasTmux())("IRC habits in a terminal", () => {
  const { people, tmux } = useTerminals();

  beforeAll(async () => {
    await people.register("alice", "bob", "carol");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("alice", ["create", "dev"]);
    await people.chat("bob", ["create", "den"]);
    await people.chat("alice", ["join", "den"]);
    await people.chat("bob", ["join", "lobby"]);
    await people.chat("carol", ["join", "lobby"]);
    await Promise.all([
      people.startIn("alice", "lobby"),
      people.startIn("bob", "den"),
      startNarrow("carol", "lobby"),
    ]);
  });

  // A 40-column terminal, started straight in `room`.
  function startNarrow(user: string, room: string): Promise<void> {
    return people.startIn(user, room, { NO_COLOR: "1" }, { columns: 40, rows: 40 });
  }

  test("/j switches room; /topic reads and sets the current room's topic", async () => {
    people.say("alice", "/j dev");
    await tmux.waitFor("alice", (s) => s.endsWith("#dev>"));
    people.say("alice", "/topic");
    await tmux.waitFor("alice", "#dev has no topic");
    people.say("alice", "/topic release on Friday");
    await tmux.waitFor("alice", "topic of #dev: release on Friday");
    people.say("alice", "/j lobby");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
  });

  test("/names lists who is in the current room", async () => {
    people.say("bob", "/names");
    const screen = await tmux.waitFor("bob", /USER\s+STATUS[\s\S]*alice[\s\S]*bob/);
    expect(screen).not.toContain("carol");
  });

  test("/msg sends a DM and the view stays where it was", async () => {
    people.say("alice", "/msg bob are you there?");
    await tmux.waitFor("bob", "@alice(1");
    expect(tmux.lastLine("alice")).toBe("#lobby>");
    people.say("bob", "/history @alice");
    await tmux.waitFor("bob", "alice -> bob: are you there?");
  });

  test("/part leaves the current room and moves on to another", async () => {
    people.say("alice", "/part #den");
    await tmux.waitFor("bob", "alice left #den");
    expect(tmux.lastLine("alice")).toBe("#lobby>");
    people.say("bob", "/part");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
  });

  test("/clear empties the screen and the prompt stays", async () => {
    people.say("alice", "before the clear");
    await tmux.waitFor("alice", "alice: before the clear");
    people.say("alice", "/clear");
    await tmux.waitFor("alice", (s) => !s.includes("before the clear") && s.endsWith("#lobby>"));
  });

  test("at 40 columns a long line wraps under its text and /help fits", async () => {
    people.say("bob", "a long line that has to wrap at forty columns on the narrow screen");
    const screen = await tmux.waitFor("carol", "narrow screen");
    const rows = screen.split("\n");
    const first = rows.findIndex((r) => r.includes("bob: a long line"));
    expect(rows[first]).toMatch(/^\d\d:\d\d bob: a long line that has to wrap$/);
    expect(rows[first + 1]).toBe("           at forty columns on the");
    expect(rows[first + 2]).toBe("           narrow screen");
    people.say("carol", "/help");
    const help = await tmux.waitFor("carol", "Ctrl-D quits.");
    // Every row ends inside the 40 columns: what a row holds is whole, never cut mid-word.
    expect(help).toContain("/j = /join, /part = /leave");
    expect(help).toContain("  /nick\n");
    expect(help).not.toMatch(/\x1b\[/);
  });

  test("at 40 columns /rooms keeps one row per room, cut with an ellipsis", async () => {
    people.say("carol", "/clear");
    await tmux.waitFor("carol", (s) => !s.includes("Ctrl-D quits."));
    people.say("carol", "/rooms");
    // Read the table once its last row (#lobby, by name) is on screen, not while it prints.
    const screen = await tmux.waitFor("carol", /^ROOM[\s\S]*^#lobby/m);
    const rows = screen.split("\n");
    const header = rows.findIndex((r) => r.startsWith("ROOM"));
    // Rooms carol may see: #lobby, #dev and #den; each a row of its own, starting with its name.
    expect(rows.slice(header + 1, header + 4).map((r) => r.split(" ")[0])).toEqual([
      "#den",
      "#dev",
      "#lobby",
    ]);
    expect(screen).toContain("…");
  });
});
