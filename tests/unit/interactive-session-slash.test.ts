// Slash commands in a chat session: dialogs for what is left out, the current room, /login.
import { afterEach, describe, expect, test } from "bun:test";
import { ChatError } from "../../client/errors.ts";
import { ChatSession } from "../../client/interactive/session.ts";
import { makeColors } from "../../client/render.ts";
import {
  FakeConnection,
  fakeSlash,
  quitSession,
  room,
  scriptedDialogs,
  session,
  setup,
  track,
  TS,
} from "./interactive-harness.ts";
import { FakeTerminal, KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

describe("slash commands", () => {
  test("/createroom without settings asks for them in dialogs, then creates and enters", async () => {
    const { term, conn, dialogs } = await setup({ answers: ["closed", "hidden", "ops talk"] });
    conn.answer = (m) =>
      m.type === "create"
        ? { type: "room", room: { ...room("ops", "admin", false), visible: false } }
        : null;
    const before = conn.rooms;
    conn.rooms = [...before, room("ops", "admin", false)];
    await term.type(`/createroom ops${KEY.enter}`);
    await Bun.sleep(5);
    expect(dialogs.asked).toEqual(["Who may join?", "Listed in /rooms?", "Topic (optional)"]);
    expect(conn.ofType("create")[0]).toMatchObject({
      room: "ops",
      open: false,
      visible: false,
      topic: "ops talk",
    });
    expect(term.screen().at(-1)).toBe("#ops>");
  });

  test("commands about a room default to the current one, also with an option's value given", async () => {
    const { term, conn } = await setup();
    const changed = { ...room("lobby", "admin"), topic: "hi all" };
    conn.answer = (m) => {
      if (m.type !== "edit") return null;
      conn.emit({ type: "room_update", room: changed });
      return { type: "room", room: changed };
    };
    await term.type(`/edit --topic 'hi all'${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("edit")).toEqual([{ type: "edit", room: "lobby", topic: "hi all" }]);
    // Told once, by the update every member gets, not also by the command's own output.
    expect(term.text()).toContain("-- room settings: #lobby (open, visible, topic: hi all)");
    expect(term.text()).not.toContain("changed #lobby");
    await term.type(`/history --limit 1${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("history").at(-1)).toMatchObject({ room: "lobby", limit: 1 });
    expect(term.text()).not.toContain("missing arguments");
  });

  test("/leave and /kick are told once, by the event that follows them", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) => {
      if (m.type === "kick")
        conn.emit({ type: "member", room: "lobby", user: "bob", event: "kicked" });
      if (m.type === "leave")
        conn.emit({ type: "member", room: "dev", user: "alice", event: "left" });
      return null;
    };
    await term.type(`/kick bob${KEY.enter}`);
    await Bun.sleep(5);
    await term.type(`/leave dev${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("kick")).toEqual([{ type: "kick", room: "lobby", user: "bob" }]);
    const text = term.text();
    expect(text).toContain("-- bob was removed from #lobby");
    expect(text).toContain("-- you left #dev");
    expect(text).not.toContain("kicked bob");
    expect(text).not.toContain("\nleft #dev");
  });

  test("/join switches to a room the user is already in without asking the server", async () => {
    const { term, conn } = await setup();
    await term.type(`/join #dev${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("join")).toEqual([]);
    expect(term.screen().at(-1)).toBe("#dev>");
  });

  test("/dm passes the text as typed and shows errors from the server", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) => {
      if (m.type === "dm" && m.to === "nobody")
        throw new ChatError("not_found", "no user 'nobody'");
      return m.type === "dm"
        ? { type: "dm_sent", message: { id: "d9", from: "alice", to: m.to, text: m.text, ts: TS } }
        : null;
    };
    await term.type(`/dm bob  two  spaces --not-an-option${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("dm")[0]).toMatchObject({ to: "bob", text: " two  spaces --not-an-option" });
    await term.type(`/dm nobody hi${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).toContain("! error: no user 'nobody'");
    // The advice names slash commands, not the shell's `chat ...`.
    expect(term.text()).toContain("`/rooms` lists the rooms you can see, `/who` the people");
    expect(term.text()).not.toContain("`chat ");
  });

  test("the seed's /login <user> <password> logs in on the live connection", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) => {
      if (m.type !== "login") return null;
      conn.user = m.user;
      return { type: "session", user: m.user, token: "t2" };
    };
    await term.type(`/login bob hunter22${KEY.enter}`);
    await Bun.sleep(5);
    expect(conn.ofType("login")[0]).toMatchObject({ user: "bob", password: "hunter22" });
    expect(session?.me).toBe("bob");
  });

  test("a password typed in /login or /register is masked on screen and kept out of history", async () => {
    const { term, session: s } = await setup();
    conn_answerSession(s);
    await term.type(`/register bob hunter22 hunter22${KEY.enter}`);
    await Bun.sleep(5);
    await term.type(`hello${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).not.toContain("hunter22");
    expect(term.text()).toContain("/register bob ******** ********");
    expect(s.line.history).toEqual(["hello"]);
    await term.type(KEY.up);
    expect(term.screen().at(-1)).toBe("#lobby> hello");
  });

  test("/help lists the slash commands without the shell's stdin and exit codes", async () => {
    const term = new FakeTerminal(100, 80);
    const conn = new FakeConnection();
    const s = track(
      new ChatSession({
        input: term.input,
        output: term.output,
        conn,
        me: "alice",
        server: "ws://test",
        colors: makeColors(false),
        dialogs: scriptedDialogs([]),
        state: null,
        commandNames: [],
        slash: fakeSlash(conn),
      }),
    );
    await s.start("lobby");
    await term.type(`/help${KEY.enter}`);
    await Bun.sleep(5);
    const text = term.text();
    expect(text).toMatch(/\/dm <user> <text\.\.\.> +send a direct message/);
    expect(text).toMatch(/\/whoami +print the logged-in user name\n/);
    expect(text).not.toContain("reads stdin");
    expect(text).not.toContain("exit 4");
    expect(text).not.toContain("`chat ");
  });

  test("/quit ends the session with exit code 0", async () => {
    const { term, session: s } = await setup();
    await term.type(`/quit${KEY.enter}`);
    expect(await s.done).toBe(0);
  });
});

// Answers register and login with a session, as the server does on a fresh connection.
function conn_answerSession(s: ChatSession): void {
  const conn = s.opts.conn as FakeConnection;
  conn.answer = (m) =>
    m.type === "login" || m.type === "register"
      ? { type: "session", user: m.user, token: "t2" }
      : null;
}
