import { afterEach, describe, expect, test } from "bun:test";
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import type { ConnectionState, ServerEvent } from "../../client/connection.ts";
import { ChatError } from "../../client/errors.ts";
import { ChatLine } from "../../client/interactive/chat-line.ts";
import { clackDialogs, clackScreen, type Dialogs } from "../../client/interactive/dialogs.ts";
import { ChatSession, type SessionConnection } from "../../client/interactive/session.ts";
import { jsonLine, makeColors, toTerminal } from "../../client/terminal-text.ts";
import { unsafeIn } from "../helpers/terminal-safety.ts";
import { FakeTerminal, KEY, tick } from "./interactive-terminal.ts";
import { fakeSlash } from "./interactive-harness.ts";

// OSC 0 (window title), OSC 52 (clipboard), CSI (clear screen), 8-bit CSI and OSC, bidi.
const EVIL = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J\x9d0;x\x9c\u202e\u2066";
const SGR = /\x1b\[\d+m/g;

/** What a terminal would act on in `text`, besides the SGR colour codes. */
function unsafeBesidesColour(text: string): string[] {
  return unsafeIn(text.replace(SGR, ""));
}

describe("The output funnel", () => {
  test("strips title, clipboard, screen and bidi controls and keeps the text", () => {
    expect(toTerminal(`bob${EVIL} says hi`)).toBe("bob says hi");
  });

  test("the client's own colours come out as SGR codes, and only they", () => {
    const c = makeColors(true);
    const line = toTerminal(`${c.bold(`bob${EVIL}`)} ${c.red("!")}`);
    expect(line).toBe("\x1b[1mbob\x1b[22m \x1b[31m!\x1b[39m");
    expect(unsafeBesidesColour(line)).toEqual([]);
  });

  test("nested colours re-open the outer one, as picocolors does", () => {
    const c = makeColors(true);
    expect(toTerminal(c.red(`a${c.green("b")}c`))).toBe("\x1b[31ma\x1b[32mb\x1b[31mc\x1b[39m");
    expect(toTerminal(c.bold(`a${c.dim("b")}c`))).toBe("\x1b[1ma\x1b[2mb\x1b[22m\x1b[1mc\x1b[22m");
  });

  test("a server cannot forge a colour marker: without the key it stays inert text", () => {
    const forged = `\ue000${"\ue100".repeat(8)}2\ue001x\ue000\ue001`;
    expect(toTerminal(forged)).not.toContain("\x1b");
  });

  test("colour off adds no code at all", () => {
    const c = makeColors(false);
    expect(toTerminal(c.bold(c.red("plain")))).toBe("plain");
  });

  test("--json lines escape C1 controls, line separators and bidi overrides, same value", () => {
    const value = { user: `eve\x85\x9b2J\u2028\u2029\u202e\u2067\x1b]0;t\x07`, n: 1 };
    const line = jsonLine(value);
    expect(unsafeIn(line)).toEqual([]);
    expect(line).not.toMatch(/[\u2028\u2029]/);
    expect(line).toContain("\\u009b");
    expect(line).toContain("\\u2028");
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe("The chat line as a write point", () => {
  let line: ChatLine | null = null;
  afterEach(() => line?.close());

  test("printed lines and the prompt are made inert; the bell is rung only when asked", () => {
    const term = new FakeTerminal(80);
    const c = makeColors(true);
    line = new ChatLine({
      input: term.input,
      output: term.output,
      prompt: `${c.cyan(`#lobby${EVIL}`)}> `,
      onLine: () => {},
    });
    line.print(`${c.bold(`eve${EVIL}`)}: hi${EVIL}`);
    line.print(`mention${EVIL}`, true);
    line.setPrompt(`${c.cyan(`#dev${EVIL}`)}> `);
    expect(term.raw).not.toContain("\x1b]");
    expect(term.raw).not.toContain("\x1b[2J");
    expect(term.raw).not.toMatch(/[\x80-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(term.bells).toBe(1);
    expect(term.screen()).toEqual(["eve: hi", "mention", "#dev>"]);
  });
});

describe("Dialogs as a write point", () => {
  test("messages, labels, hints and a value to edit reach the screen inert", async () => {
    const term = new FakeTerminal(80, 20);
    const d = clackDialogs(term);
    const choice = d.select(`Which room${EVIL}?`, [
      { value: "a", label: `#a${EVIL}`, hint: `topic${EVIL}` },
    ]);
    await tick();
    await term.type(KEY.enter);
    expect(await choice).toBe("a");
    const topic = d.text(`topic${EVIL}`, { initial: `old${EVIL}` });
    await tick();
    await term.type(KEY.enter);
    expect(await topic).toBe("old");
    d.info(`note${EVIL}`);
    expect(term.raw).not.toContain("\x1b]");
    expect(term.raw).not.toContain("\x1b[2J");
    expect(term.raw).not.toMatch(/[\x80-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(term.text()).toContain("Which room?");
  });

  test("the start-up lines (the 'logged in as' banner) reach the screen inert", () => {
    const term = new FakeTerminal(80, 20);
    const screen = clackScreen(term.output);
    const c = makeColors(true);
    screen.intro(c.bold(" chat "));
    screen.outro(`logged in as ${c.bold(`bob${EVIL}`)} on ws://x`);
    screen.error(`error${EVIL}`);
    screen.cancel(`bye${EVIL}`);
    expect(term.raw).not.toContain("\x1b]");
    expect(term.raw).not.toContain("\x1b[2J");
    expect(term.raw).not.toMatch(/[\x80-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(term.text()).toContain("logged in as bob on ws://x");
  });
});

/** A hostile connection: every name, topic and error it answers carries EVIL. */
class HostileConnection implements SessionConnection {
  user = `bob${EVIL}`;
  token = "t";
  #events = new Set<(e: ServerEvent) => void>();

  async request(m: ClientMessage): Promise<ServerMessage> {
    const room = {
      name: `lobby${EVIL}`,
      open: true,
      visible: true,
      admin: `mallory${EVIL}`,
      members: 2,
      role: "member" as const,
      topic: `topic${EVIL}`,
    };
    switch (m.type) {
      case "rooms":
        return { type: "rooms", rooms: [room] };
      case "who":
        return { type: "who", users: [{ user: `eve${EVIL}`, status: "online", typing: true }] };
      case "requests":
        return { type: "requests", requests: [{ room: `r${EVIL}`, user: `eve${EVIL}` }] };
      case "history":
        return { type: "history", messages: [] };
      case "create":
        return { type: "room", room };
      case "edit":
        // As the server does: every member, the admin who edited included, is told.
        this.emit({ type: "room_update", room });
        return { type: "room", room };
      case "join":
        return { type: "joined", room: `lobby${EVIL}`, status: "pending" };
      case "kick":
        throw new ChatError("forbidden", `no${EVIL}`);
      default:
        return { type: "ok" };
    }
  }
  onEvent(l: (e: ServerEvent) => void) {
    this.#events.add(l);
    return () => this.#events.delete(l);
  }
  onState(_l: (s: ConnectionState) => void) {
    return () => {};
  }
  close() {}
  emit(e: ServerEvent) {
    for (const l of this.#events) l(e);
  }
}

const noDialogs: Dialogs = {
  text: async () => null,
  password: async () => null,
  confirm: async () => null,
  select: async () => null,
  info: () => {},
};

describe("Slash-command output as a write point", () => {
  let session: ChatSession | null = null;
  afterEach(() => session?.quit());

  test("every slash command's output of a hostile server's names is inert, colour on", async () => {
    const term = new FakeTerminal(200, 60);
    const conn = new HostileConnection();
    session = new ChatSession({
      input: term.input,
      output: term.output,
      conn,
      me: conn.user,
      server: "ws://test",
      colors: makeColors(true),
      dialogs: noDialogs,
      state: null,
      commandNames: ["join"],
      slash: fakeSlash(conn),
    });
    await session.start("lobby");
    for (const command of [
      "/whoami",
      "/rooms",
      "/who",
      "/requests",
      "/createroom qa closed hidden",
      "/edit qa --closed",
      "/join other",
      "/kick lobby eve",
    ]) {
      await term.type(command + KEY.enter);
      await tick();
    }
    conn.emit({ type: "error", code: "internal", message: `oops${EVIL}` });
    // Presence prints nothing (it is quiet); a member joining prints the name.
    conn.emit({
      type: "presence",
      room: "lobby",
      online: [],
      idle: [`carol${EVIL}`],
      offline: [],
      away: { [`carol${EVIL}`]: `away${EVIL}` },
    });
    conn.emit({ type: "member", room: "lobby", user: `carol${EVIL}`, event: "joined" });
    await tick();
    expect(term.raw).not.toContain("\x1b]");
    expect(term.raw).not.toContain("\x1b[2J");
    expect(term.raw).not.toMatch(/[\x80-\x9f\u202a-\u202e\u2066-\u2069]/);
    const text = term.text();
    // What each command printed is there, minus the controls.
    for (const seen of ["bob", "#lobby", "mallory", "topic", "eve", "no", "oops", "carol"]) {
      expect(text).toContain(seen);
    }
    expect(text).toContain("room settings: #lobby (open, visible, topic: topic");
  });

  test("Tab completion offers only plain names, never a hostile server's", async () => {
    const term = new FakeTerminal(120, 30);
    const conn = new HostileConnection();
    session = new ChatSession({
      input: term.input,
      output: term.output,
      conn,
      me: "bob",
      server: "ws://test",
      colors: makeColors(false),
      dialogs: noDialogs,
      state: null,
      commandNames: ["join", "dm"],
      commandUsage: (name) => (name === "dm" ? "dm <user> <text...>" : null),
      slash: async () => {},
    });
    await session.start(null);
    const online = [`eve${EVIL}`, "erin", "emma"];
    conn.emit({ type: "presence", room: "lobby", online, idle: [], offline: [], away: {} });
    await term.type("/join lo\t\t");
    await term.type(`${KEY.ctrlU}/dm e\t\t`);
    await tick();
    expect(term.raw).not.toContain("\x1b]");
    expect(term.raw).not.toMatch(/[\x80-\x9f\u202a-\u202e\u2066-\u2069]/);
    // The candidates for `/dm e`: the plain names, and not the hostile one.
    expect(term.text()).toContain("\nemma  erin\n");
  });
});
