import { afterEach, describe, expect, test } from "bun:test";
import { ChatSession } from "../../client/interactive/session.ts";
import { msg, quitSession, room, session, setup, TS } from "./interactive-harness.ts";
import { KEY, tick } from "./interactive-terminal.ts";

afterEach(quitSession);

describe("ChatSession", () => {
  test("messages of the current view show with time and sender; another room's are counted", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message", ...msg("1", "lobby", "bob", "hi all") });
    conn.emit({ type: "message", ...msg("2", "dev", "carol", "build is green") });
    const screen = term.screen();
    expect(screen).toContain(`${hhmm()} bob: hi all`);
    expect(term.text()).not.toContain("build is green");
    expect(screen.slice(-2)).toEqual(["#dev(1) [#lobby]", "#lobby>"]);
  });

  test("DMs show wherever the user is, counted in their view, with a bell; so do mentions", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "dm", id: "d1", from: "bob", to: "alice", text: "psst", ts: TS });
    expect(term.text()).toContain("[dm] bob -> you: psst");
    expect(term.screen().at(-2)).toBe("#dev [#lobby] @bob(1!)");
    expect(term.bells).toBe(1);
    conn.emit({ type: "message", ...msg("3", "lobby", "bob", "ask @alice") });
    expect(term.bells).toBe(2);
    conn.emit({ type: "message", ...msg("4", "lobby", "bob", "ask malice") });
    expect(term.bells).toBe(2);
  });

  test("terminal control sequences in received text never reach the screen", async () => {
    const { term, conn } = await setup();
    conn.emit({
      type: "message",
      ...msg("5", "lobby", "bob", "a\x1b]52;c;aGk=\x07b\x1b[2Jc\u202ed"),
    });
    expect(term.text()).toContain("bob: abcd");
    expect(term.raw).not.toContain("\x1b]52");
    expect(term.raw).not.toContain("\x1b[2J");
    expect(term.bells).toBe(0);
  });

  test("a message seen twice (reply and event) is shown once", async () => {
    const { term, conn } = await setup();
    await term.type(`hello${KEY.enter}`);
    await tick();
    const stored = conn.ofType("send")[0];
    expect(stored).toMatchObject({ type: "send", room: "lobby", text: "hello" });
    conn.emit({
      type: "message",
      ...msg(`s${conn.sent.indexOf(stored!) + 1}`, "lobby", "alice", "hello"),
    });
    expect(term.text().split("alice: hello").length - 1).toBe(1);
  });

  test("a sent line that wrapped is replaced by the message as stored, shown once", async () => {
    const { term } = await setup();
    const long = `${"wrapping words ".repeat(8)}end`;
    await term.type(long + KEY.enter);
    await Bun.sleep(0);
    await tick();
    const screen = term.screen();
    expect(screen.at(-1)).toBe("#lobby>");
    expect(screen.join("").split("end").length - 1).toBe(1);
    expect(screen.some((l) => l.startsWith("#lobby> wrapping"))).toBe(false);
  });

  test("a sent line that exactly fills the row is replaced by the message, shown once", async () => {
    const { term } = await setup();
    // "#lobby> " and the text fill the 80 columns to the last one.
    const exact = `${"x".repeat(80 - "#lobby> ".length - 3)}END`;
    await term.type(exact + KEY.enter);
    await Bun.sleep(0);
    await tick();
    const screen = term.screen();
    expect(screen.at(-1)).toBe("#lobby>");
    expect(screen.join("").split("END").length - 1).toBe(1);
    expect(screen.some((l) => l.startsWith("#lobby> xxx"))).toBe(false);
  });

  test("pasted lines land in the input as one message, sent once with Enter", async () => {
    const { term, conn } = await setup();
    // A terminal without bracketed paste: the lines arrive in one read.
    term.input.write(`first pasted line\rsecond pasted line\rlast line, no newline`);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toEqual([]);
    const pasted = "first pasted line\nsecond pasted line\nlast line, no newline";
    expect(term.screen().slice(-4)).toEqual([
      "#lobby> first pasted line↵",
      "second pasted line↵",
      "last line, no newline",
      `3 lines · ${pasted.length}/4000`,
    ]);
    await term.type(KEY.enter);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toMatchObject([
      {
        type: "send",
        room: "lobby",
        text: "first pasted line\nsecond pasted line\nlast line, no newline",
      },
    ]);
    const screen = term.screen();
    expect(screen.slice(-5)).toEqual([
      `${hhmm()} alice: first pasted line`,
      `${" ".repeat(`${hhmm()} alice: `.length)}second pasted line`,
      `${" ".repeat(`${hhmm()} alice: `.length)}last line, no newline`,
      "#dev [#lobby]",
      "#lobby>",
    ]);
    expect(term.text().split("second pasted line").length - 1).toBe(1);
    // One typing notice for the whole paste, and its withdrawal when sent.
    expect(conn.ofType("typing").map((m) => (m as { typing: boolean }).typing)).toEqual([
      true,
      false,
    ]);
  });

  test("the current room's typing users show in the prompt and clear with their message", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "typing", room: "lobby", user: "bob", typing: true });
    conn.emit({ type: "typing", room: "dev", user: "carol", typing: true });
    expect(term.screen().at(-1)).toBe("#lobby (bob is typing)>");
    conn.emit({ type: "message", ...msg("6", "lobby", "bob", "done") });
    expect(term.screen().at(-1)).toBe("#lobby>");
  });

  test("typing notices follow the line, throttled, and never for commands", async () => {
    let now = 0;
    const { term, conn } = await setup({ now: () => now });
    await term.type("hel");
    now += 3_000;
    await term.type("lo");
    await term.type(KEY.ctrlU + "/who");
    const typing = conn.ofType("typing").map((m) => (m as { typing: boolean }).typing);
    expect(typing).toEqual([true, true, false]);
    expect(conn.ofType("activity").length).toBe(1);
  });

  test("a dropped connection shows in the prompt; on return the missed messages show once", async () => {
    let now = 0;
    const { term, conn } = await setup({ now: () => now });
    conn.history.set("lobby", [msg("m1", "lobby", "bob", "before")]);
    conn.emit({ type: "message", ...msg("m1", "lobby", "bob", "before") });
    conn.nextRetryAt = now + 4_200;
    conn.setState("reconnecting");
    expect(term.screen().at(-1)).toBe("[reconnecting in 5s] #lobby>");
    conn.nextRetryAt = null;
    now += 12_500;
    conn.history.set("lobby", [
      msg("m1", "lobby", "bob", "before"),
      msg("m2", "lobby", "bob", "missed one"),
      msg("m3", "lobby", "bob", "missed two"),
    ]);
    conn.setState("open");
    // The live copy of a caught-up message must not show twice.
    conn.emit({ type: "message", ...msg("m3", "lobby", "bob", "missed two") });
    await Bun.sleep(0);
    await tick();
    const text = term.text();
    expect(conn.ofType("history").at(-2)).toMatchObject({ room: "lobby", after: "m1" });
    expect(text.split("bob: before").length - 1).toBe(1);
    expect(text.split("bob: missed one").length - 1).toBe(1);
    expect(text.split("bob: missed two").length - 1).toBe(1);
    expect(text).toContain("-- reconnected");
    expect(term.screen().at(-1)).toBe("#lobby>");
  });

  test("after a reconnect, a room joined elsewhere shows what is new, not its old history", async () => {
    const { term, conn } = await setup();
    // Joined from another terminal while this one runs, and another while it was away.
    conn.history.set("ops", [msg("o1", "ops", "bob", "old in ops")]);
    conn.rooms.push(room("ops", "member"));
    conn.emit({ type: "member", room: "ops", user: "alice", event: "joined" });
    await Bun.sleep(5);
    conn.setState("reconnecting");
    conn.history.set("ops", [
      msg("o1", "ops", "bob", "old in ops"),
      msg("o2", "ops", "bob", "missed in ops"),
    ]);
    conn.history.set("archive", [msg("a1", "archive", "bob", "old in archive")]);
    conn.rooms.push(room("archive", "member"));
    conn.setState("open");
    await Bun.sleep(5);
    await tick();
    const text = term.text();
    expect(term.screen().at(-2)).toBe("#archive #dev [#lobby] #ops(1)");
    expect(text).not.toContain("old in ops");
    expect(text).not.toContain("old in archive");
    expect(text).toContain("-- reconnected");
  });

  test("presence changes are quiet: nothing prints into the timeline", async () => {
    const { term, conn } = await setup();
    conn.emit({
      type: "presence",
      room: "lobby",
      online: ["carol"],
      idle: ["bob"],
      offline: [],
      away: { carol: "lunch" },
    });
    expect(term.text()).not.toContain("bob");
    expect(term.text()).not.toContain("carol");
  });

  test("join requests (to admins) and decisions are shown", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "join_request", room: "dev", user: "carol" });
    conn.emit({ type: "join_decision", room: "ops", approved: false });
    expect(term.text()).toContain("carol asks to join #dev: /approve dev carol");
    expect(term.text()).toContain("your request to join #ops was denied");
    conn.emit({ type: "join_decision", room: "qa", approved: true });
    expect(term.text()).toContain("you are now a member of #qa: /join qa to go there");
    // Told on entering the room it is about (kept while offline): no advice to go there.
    conn.emit({ type: "join_decision", room: "lobby", approved: true });
    expect(term.screen()).toContain("-- you are now a member of #lobby");
  });
});

describe("room changes", () => {
  test("being kicked from the current room says so and moves to another room", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "member", room: "lobby", user: "alice", event: "kicked" });
    expect(term.text()).toContain("-- you were removed from #lobby");
    expect(term.screen().at(-1)).toBe("#dev>");
  });

  test("a shut-down room is announced with a bell and left", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "room_shutdown", room: "lobby" });
    expect(term.text()).toContain("-- #lobby was shut down");
    expect(term.bells).toBe(1);
    expect(term.screen().at(-1)).toBe("#dev>");
  });
});

function hhmm(): string {
  const d = new Date(TS);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

describe("a session ended elsewhere", () => {
  const LOGGED_OUT = { type: "error", code: "auth_required", message: "not logged in" };

  test("says so in words, keeps what is typed, and logs in again on the same connection", async () => {
    const { term, conn, dialogs } = await setup({ answers: [false, "hunter22"] });
    conn.emit(LOGGED_OUT);
    await Bun.sleep(5);
    expect(term.text()).toContain("! you were logged out: this session was ended elsewhere");
    expect(term.text()).not.toContain("not logged in");
    expect(dialogs.asked).toEqual(["Log in again as alice?"]);
    expect(term.screen().at(-1)).toBe("[logged out] #lobby>");
    // Text typed meanwhile is not sent and not lost.
    await term.type(`still here${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toEqual([]);
    expect(term.screen().at(-1)).toBe("[logged out] #lobby> still here");
    conn.answer = (m) =>
      m.type === "login" ? { type: "session", user: "alice", token: "t3" } : null;
    await term.type(`${KEY.ctrlU}/login alice${KEY.enter}`);
    await Bun.sleep(10);
    expect(conn.ofType("login")).toMatchObject([{ user: "alice", password: "hunter22" }]);
    expect(term.text()).not.toContain("already logged in");
    expect(term.screen().at(-1)).toBe("#lobby>");
    await term.type(`back${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("send")).toMatchObject([{ room: "lobby", text: "back" }]);
  });

  test("refused on reconnect: says so and offers to log in again instead of ending", async () => {
    const { term, conn, dialogs, session: s } = await setup({ answers: [false] });
    conn.setState("reconnecting");
    conn.emit({ type: "error", code: "auth_failed", message: "session token is not valid" });
    conn.setState("closed");
    await Bun.sleep(5);
    expect(term.text()).toContain("! you were logged out: this session was ended elsewhere");
    expect(dialogs.asked).toEqual(["Log in again as alice?"]);
    expect(term.text()).toContain("-- /login logs in again; /quit leaves");
    await term.type(`/quit${KEY.enter}`);
    expect(await s.done).toBe(0);
  });
});
