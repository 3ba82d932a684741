import { afterEach, describe, expect, test } from "bun:test";
import type { ClientMessage, WhoEntry } from "../../shared/protocol.ts";
import { statusLine } from "../../client/interactive/view-status.ts";
import { Views } from "../../client/interactive/views.ts";
import { makeColors, renderWho } from "../../client/render.ts";
import { toTerminal } from "../../client/terminal-text.ts";
import { msg, quitSession, setup, TS } from "./interactive-harness.ts";
import { KEY, tick } from "./interactive-terminal.ts";

afterEach(quitSession);

const plain = makeColors(false);
const CTRL_N = "\x0e";
const ALT_LEFT = "\x1b[1;3D";
const ALT = (n: number) => `\x1b${n}`;
const dm = (id: string, from: string, to: string, text: string) => ({
  type: "dm" as const,
  id,
  from,
  to,
  text,
  ts: TS,
});

// Lets the requests of a switch (history, read, who) be answered and drawn.
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

describe("the status line", () => {
  test("shows every view, the current one in brackets, counts and mentions", () => {
    const views = new Views();
    views.select({ kind: "room", name: "lobby" });
    views.arrived({ kind: "room", name: "dev" }, "1", true, false);
    views.arrived({ kind: "room", name: "dev" }, "2", true, false);
    views.arrived({ kind: "room", name: "ops" }, "3", true, true);
    views.arrived({ kind: "dm", name: "bob" }, "4", true, false);
    views.arrived({ kind: "room", name: "dev" }, "5", false, false);
    const state = { views: views.all, current: views.current };
    expect(statusLine(state, 100, plain)).toBe("#dev(2) [#lobby] #ops(1,1!) @bob(1!)");
  });

  test("counts from the wire are whole numbers, however a server sends them", () => {
    const views = new Views();
    for (const name of ["a", "b", "c"]) views.open({ kind: "room", name });
    views.setCounts({ kind: "room", name: "a" }, Number.NaN, -3);
    views.setCounts({ kind: "room", name: "b" }, 1e308, 2.5);
    views.setCounts({ kind: "room", name: "c" }, 4, 0);
    const state = { views: views.all, current: views.current };
    expect(statusLine(state, 80, plain)).toBe("#a #b(1000000,2!) #c(4)");
  });

  test("fits one row: quiet views give way first, then the rest are summed up", () => {
    const views = new Views();
    for (const name of ["alpha", "bravo", "charlie", "delta", "echo"]) {
      views.open({ kind: "room", name });
    }
    views.select({ kind: "room", name: "charlie" });
    views.arrived({ kind: "room", name: "echo" }, "1", true, true);
    const state = { views: views.all, current: views.current };
    expect(statusLine(state, 30, plain)).toBe("[#charlie] #echo(1,1!) +3");
    expect(statusLine(state, 22, plain)).toBe("[#charlie] +4");
    // A DM with news outlasts a room with only unread messages.
    views.arrived({ kind: "room", name: "alpha" }, "2", true, false);
    views.arrived({ kind: "dm", name: "bob" }, "3", true, false);
    expect(statusLine(state, 40, plain)).toBe("[#charlie] #echo(1,1!) @bob(1!) +3");
    for (const width of [10, 22, 30, 40]) {
      expect(Bun.stringWidth(statusLine(state, width, plain) ?? "")).toBeLessThan(width);
    }
  });
});

describe("quiet presence", () => {
  test("/who greys the people who are not online", () => {
    const users: WhoEntry[] = [
      { user: "bob", status: "online", typing: false },
      { user: "carol", status: "idle", typing: false, away: "lunch" },
    ];
    const [, bob, carol] = toTerminal(renderWho(users, makeColors(true))).split("\n");
    expect(bob).toStartWith("bob");
    expect(carol).toStartWith("\x1b[2mcarol");
    expect(renderWho(users, plain).split("\n")[2]).toMatch(/^carol +idle +lunch$/);
  });

  test("a DM view's status line tells how the other person is, and greys them when not online", async () => {
    const { term, conn } = await setup();
    // One event about two people of #dev: the status line takes bob's part of it.
    conn.emit({
      type: "presence",
      room: "dev",
      online: ["carol"],
      idle: ["bob"],
      offline: [],
      away: { bob: "at lunch" },
    });
    await term.type(`/query bob${KEY.enter}`);
    await settle();
    expect(term.screen().at(-2)).toBe("#dev #lobby [@bob] · bob: idle, away: at lunch");
    expect(term.text()).not.toContain("bob is idle");
  });
});

describe("views", () => {
  test("a message in another room is counted, not printed; switching shows it after the read marker line", async () => {
    const { term, conn } = await setup();
    conn.history.set("dev", [
      msg("d1", "dev", "carol", "older, read before"),
      msg("d2", "dev", "carol", "build is green"),
      msg("d3", "dev", "carol", "alice: deploy?"),
    ]);
    conn.emit({ type: "message", ...msg("d2", "dev", "carol", "build is green") });
    conn.emit({ type: "message", ...msg("d3", "dev", "carol", "alice: deploy?") });
    expect(term.text()).not.toContain("build is green");
    expect(term.screen().at(-2)).toBe("#dev(2,1!) [#lobby]");
    await term.type(CTRL_N);
    await settle();
    const text = term.text();
    const marker = text.indexOf("--- new since you left ---");
    expect(marker).toBeGreaterThan(text.indexOf("older, read before"));
    expect(marker).toBeLessThan(text.indexOf("build is green"));
    expect(term.screen().slice(-2)).toEqual(["[#dev] #lobby", "#dev>"]);
    expect(conn.ofType("read")).toContainEqual({ type: "read", room: "dev", upTo: "d3" });
    // Plain text now goes to #dev.
    await term.type(`hi dev${KEY.enter}`);
    await settle();
    expect(conn.ofType("send").at(-1)).toMatchObject({ room: "dev", text: "hi dev" });
  });

  test("a long stored message shown on entering a view wraps under its text", async () => {
    const { term, conn } = await setup({ columns: 40 });
    const long = "a long line to see how the wrapping works at forty columns";
    conn.history.set("dev", [msg("w1", "dev", "bob", long)]);
    await term.type(CTRL_N);
    await settle();
    const rows = term.screen();
    const first = rows.findIndex((r) => r.includes("bob: a long line"));
    expect(rows[first + 1]).toMatch(/^ {11}\S/);
  });

  test("Alt-1..9 and Alt-Left go to a view by number and back", async () => {
    const { term } = await setup();
    await term.type(ALT(1));
    await settle();
    expect(term.screen().at(-1)).toBe("#dev>");
    await term.type(ALT_LEFT);
    await settle();
    expect(term.screen().at(-1)).toBe("#lobby>");
  });

  test("a read marker moved on another device clears the counts here", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message", ...msg("d9", "dev", "carol", "ping") });
    expect(term.screen().at(-2)).toBe("#dev(1) [#lobby]");
    conn.emit({ type: "read", room: "dev", upTo: "d9", seq: "0000000000000009" });
    await settle();
    expect(term.screen().at(-2)).toBe("#dev [#lobby]");
  });

  test("the server's counts show at start, and a DM opens a view that /r answers", async () => {
    const { term, conn } = await setup();
    conn.emit(dm("x1", "bob", "alice", "lunch?"));
    expect(term.text()).toContain("[dm] bob -> you: lunch?");
    expect(term.screen().at(-2)).toBe("#dev [#lobby] @bob(1!)");
    expect(term.bells).toBe(1);
    conn.answer = (m: ClientMessage) =>
      m.type === "dm" ? { type: "dm_sent", message: dm("x2", "alice", "bob", m.text) } : null;
    await term.type(`/r yes, at noon${KEY.enter}`);
    await settle();
    expect(conn.ofType("dm").at(-1)).toMatchObject({ to: "bob", text: "yes, at noon" });
    // Still in #lobby: the answer went without switching, and answering read the conversation.
    expect(term.screen().slice(-2)).toEqual(["#dev [#lobby] @bob", "#lobby>"]);
    expect(conn.ofType("read")).toContainEqual({ type: "read", user: "bob", upTo: "x2" });
  });

  test("/query opens a DM view where plain text is a DM; /close leaves it", async () => {
    const { term, conn } = await setup();
    conn.answer = (m: ClientMessage) =>
      m.type === "history" && m.user === "bob"
        ? { type: "history", user: "bob", messages: [{ ...dm("x1", "bob", "alice", "earlier") }] }
        : null;
    await term.type(`/query bob${KEY.enter}`);
    await settle();
    expect(term.screen().slice(-2)).toEqual(["#dev #lobby [@bob]", "@bob>"]);
    expect(term.text()).toContain("[dm] bob -> you: earlier");
    await term.type(`hello bob${KEY.enter}`);
    await settle();
    expect(conn.ofType("dm").at(-1)).toMatchObject({ to: "bob", text: "hello bob" });
    await term.type(`/close${KEY.enter}`);
    await settle();
    expect(term.screen().at(-2)).not.toContain("@bob");
  });

  test("/join @bob opens the DM view too", async () => {
    const { term } = await setup();
    await term.type(`/join @bob${KEY.enter}`);
    await settle();
    expect(term.screen().at(-1)).toBe("@bob>");
  });

  test("a bare /join and /switch open a picker of the views with their counts", async () => {
    const { term, conn, dialogs } = await setup({ answers: ["#dev"] });
    conn.emit({ type: "message", ...msg("d5", "dev", "carol", "news") });
    await term.type(`/join${KEY.enter}`);
    await settle();
    expect(dialogs.asked).toEqual(["Which view?"]);
    expect(term.screen().at(-1)).toBe("#dev>");
  });
});

describe("actions, edits and mentions", () => {
  test("/me sends an action to the current view and it shows as * alice waves", async () => {
    const { term, conn } = await setup();
    await term.type(`/me waves${KEY.enter}`);
    await settle();
    expect(conn.sent.at(-1)).toMatchObject({ room: "lobby", text: "waves", action: true });
    conn.emit({ type: "message", ...msg("a1", "lobby", "bob", "nods"), action: true });
    expect(term.text()).toContain("* bob nods");
  });

  test("/me in a DM view is an action to that person; /topic there asks for a room", async () => {
    const { term, conn, dialogs } = await setup();
    conn.answer = (m: ClientMessage) =>
      m.type === "dm"
        ? { type: "dm_sent", message: { ...dm("x5", "alice", "bob", m.text) } }
        : null;
    await term.type(`/query bob${KEY.enter}`);
    await settle();
    await term.type(`/me nods${KEY.enter}`);
    await settle();
    expect(conn.sent.at(-1)).toMatchObject({ type: "dm", to: "bob", text: "nods", action: true });
    // The server's echo of the action shows it.
    conn.emit({ ...dm("x5", "alice", "bob", "nods"), action: true });
    expect(term.text()).toContain("[dm] * you -> bob nods");
    await term.type(`/topic${KEY.enter}`);
    await settle();
    expect(dialogs.asked).toHaveLength(1);
    expect(conn.sent.some((m) => "room" in m && m.room === "@bob")).toBe(false);
  });

  test("an edit or a deletion in the current view shows the message again, marked", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message", ...msg("e1", "lobby", "bob", "teh plan") });
    conn.emit({ type: "message_update", ...msg("e1", "lobby", "bob", "the plan"), edited: TS });
    expect(term.text()).toContain("bob: the plan (edited)");
    conn.emit({
      type: "message_update",
      ...msg("e1", "lobby", "bob", ""),
      edited: TS,
      deleted: true,
    });
    expect(term.text()).toContain("bob: (deleted)");
  });

  test("a malformed update or read event from the wire is ignored, not thrown", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message_update", id: "e2", room: "lobby", from: "bob", ts: TS });
    conn.emit({ type: "dm_update", id: 5, text: "x" });
    conn.emit({ type: "read", room: 3, upTo: "e2" });
    conn.emit({ type: "message", ...msg("e3", "lobby", "bob", "still here") });
    expect(term.text()).toContain("bob: still here");
  });

  test("/mentions lists the messages that named the user, also from other views", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message", ...msg("m1", "dev", "carol", "@alice please review") });
    conn.emit({ type: "message", ...msg("m2", "dev", "carol", "unrelated") });
    await term.type(`/mentions${KEY.enter}`);
    await settle();
    const text = term.text();
    expect(text).toContain("#dev carol: @alice please review");
    expect(text).not.toContain("unrelated");
  });

  test("/away sets the away message, shown in the status line; /back clears it", async () => {
    const { term, conn } = await setup();
    await term.type(`/away at lunch${KEY.enter}`);
    await settle();
    expect(conn.ofType("away").at(-1)).toMatchObject({ message: "at lunch" });
    expect(term.screen().at(-2)).toBe("#dev [#lobby] · you are away");
    await term.type(`/back${KEY.enter}`);
    await settle();
    expect(conn.ofType("away").at(-1)).toEqual({ type: "away" });
    expect(term.screen().at(-2)).toBe("#dev [#lobby]");
  });

  test("an away message is set again after a reconnect (a restarted server forgets it)", async () => {
    const { term, conn } = await setup();
    await term.type(`/away at lunch${KEY.enter}`);
    await settle();
    const before = conn.ofType("away").length;
    conn.setState("reconnecting");
    conn.setState("open");
    await settle();
    expect(conn.ofType("away").length).toBe(before + 1);
    expect(conn.ofType("away").at(-1)).toMatchObject({ message: "at lunch" });
  });
});
