import { afterEach, describe, expect, test } from "bun:test";
import { quitSession, setup } from "./interactive-harness.ts";
import { KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

describe("the chat and the events of edits, bans, invites and away messages", () => {
  test("new event types are taken harmlessly, a ban is told in words, and the chat goes on", async () => {
    const { term, conn } = await setup();
    const ts = "2026-11-25T12:00:00.000Z";
    conn.emit({ type: "message_update", id: "m1", room: "lobby", from: "bob", text: "", ts });
    conn.emit({ type: "dm_update", id: "m2", from: "bob", to: "alice", text: "fixed", ts });
    conn.emit({ type: "invite", room: "den", from: "bob", seq: "0000000000000007" });
    conn.emit({
      type: "presence",
      room: "lobby",
      online: ["bob"],
      idle: [],
      offline: [],
      away: { bob: "at \u001b[2Jlunch" },
    });
    conn.emit({ type: "member", room: "lobby", user: "carol", event: "banned" });
    await Bun.sleep(5);
    const screen = term.screen().join("\n");
    expect(screen).toContain("carol was banned from #lobby");
    expect(screen).not.toContain("carol joined");
    expect(screen).not.toContain("\u001b[2J");
    await term.type(`still here${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toMatchObject([{ text: "still here" }]);
  });
});
