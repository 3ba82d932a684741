import { afterEach, describe, expect, test } from "bun:test";
import { quitSession, room, setup } from "./interactive-harness.ts";
import { KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

describe("room commands in the chat", () => {
  test("a bare /leave leaves the current room, and the next room stays usable", async () => {
    const { term, conn, session } = await setup();
    conn.answer = (m) => {
      // The server tells of the leave before it answers.
      if (m.type === "leave")
        conn.emit({ type: "member", room: m.room, user: "alice", event: "left" });
      return null;
    };
    await term.type(`/leave${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("leave")).toEqual([{ type: "leave", room: "lobby" }]);
    expect(term.screen().at(-1)).toBe("#dev>");
    expect(session.rooms.get("dev")?.role).toBe("member");
    await term.type(`/join dev${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("join")).toEqual([]);
    await term.type(`still here${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toMatchObject([{ room: "dev", text: "still here" }]);
  });

  test("/editroom starts each dialog on the room's current value", async () => {
    const { term, conn, dialogs, session } = await setup({
      answers: ["closed", "hidden", "quiet"],
    });
    conn.rooms = [{ ...room("lobby", "admin", false), visible: false, topic: "quiet" }];
    await session.refreshRooms();
    await term.type(`/editroom${KEY.enter}`);
    await Bun.sleep(5);
    expect(dialogs.initials.get("#lobby: who may join?")).toBe("closed");
    expect(dialogs.initials.get("#lobby: listed in /rooms?")).toBe("hidden");
    expect(conn.ofType("edit")).toEqual([
      { type: "edit", room: "lobby", open: false, visible: false, topic: "quiet" },
    ]);
  });

  test("/createroom qa closed asks only whether it is listed", async () => {
    const { term, conn, dialogs } = await setup({ answers: ["visible"] });
    conn.answer = (m) =>
      m.type === "create" ? { type: "room", room: room("qa", "admin", false) } : null;
    await term.type(`/createroom qa closed${KEY.enter}`);
    await Bun.sleep(5);
    expect(dialogs.asked).toEqual(["Listed in /rooms?"]);
    expect(conn.ofType("create")).toEqual([
      { type: "create", room: "qa", open: false, visible: true },
    ]);
  });

  test("/shutdown by a member who is not the admin is refused at once, without asking", async () => {
    const { term, conn, dialogs } = await setup({ answers: [true] });
    await term.type(`/shutdown${KEY.enter}`);
    await Bun.sleep(5);
    expect(dialogs.asked).toEqual([]);
    expect(conn.ofType("shutdown")).toEqual([]);
    expect(term.text()).toContain("! only the admin of #lobby may shut it down");
  });

  test("/shutdown by the admin asks first", async () => {
    const { term, conn, dialogs, session } = await setup({ answers: [true] });
    conn.rooms = [room("lobby", "admin")];
    await session.refreshRooms();
    await term.type(`/shutdown${KEY.enter}`);
    await Bun.sleep(5);
    expect(dialogs.asked).toEqual(["Shut down #lobby? Members lose it and its name stays taken."]);
    expect(conn.ofType("shutdown")).toEqual([{ type: "shutdown", room: "lobby" }]);
  });
});
