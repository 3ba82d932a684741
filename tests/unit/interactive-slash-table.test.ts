import { afterEach, describe, expect, test } from "bun:test";
import { CHAT_COMMANDS, type Command } from "../../client/commands.ts";
import { ChatTable } from "../../client/interactive/chat-table.ts";
import { suggestNames } from "../../client/suggest.ts";
import { msg, quitSession, room, setup } from "./interactive-harness.ts";
import { KEY } from "./interactive-terminal.ts";

afterEach(quitSession);

const settle = () => Bun.sleep(5);

// A command the chat has never heard of: it declares its own chat face and nothing else.
function waveCommand(calls: string[][]): Command {
  return {
    name: "wave",
    usage: "wave <room> <user>",
    summary: "wave at someone in a room",
    options: {},
    minArgs: 2,
    maxArgs: 2,
    chat: { room: "fill", summary: "wave at someone here" },
    async run(ctx, { positionals }) {
      calls.push(positionals);
      ctx.io.out(`waved at ${positionals[1]} in #${positionals[0]}`);
      return 0;
    },
  };
}

describe("the slash layer reads the command table", () => {
  test("a command added to the table is in /help, completes, and runs with the current room", async () => {
    const calls: string[][] = [];
    const { term, session } = await setup({ commands: [...CHAT_COMMANDS, waveCommand(calls)] });
    await term.type(`/help${KEY.enter}`);
    await settle();
    expect(term.text()).toMatch(/\/wave \[#room\] <user> +wave at someone here/);
    await term.type("/wa\t");
    expect(session.line.line).toBe("/wave ");
    await term.type(`bob${KEY.enter}`);
    await settle();
    expect(calls).toEqual([["lobby", "bob"]]);
    expect(term.text()).toContain("waved at bob in #lobby");
  });

  test("a command the chat does not offer says why instead of running", async () => {
    const { term } = await setup();
    await term.type(`/listen${KEY.enter}`);
    await settle();
    expect(term.text()).toContain("-- the chat already shows everything as it arrives");
    await term.type(`/help${KEY.enter}`);
    await settle();
    const help = term.text().slice(term.text().indexOf("Commands:"));
    expect(help).toContain("/history");
    expect(help).not.toContain("/listen");
    expect(help).not.toContain("/completion");
  });
});

describe("IRC habits", () => {
  test("/j switches to a room, /part leaves the current one, /names lists it", async () => {
    const { term, conn, session } = await setup();
    await term.type(`/j dev${KEY.enter}`);
    await settle();
    expect(session.room).toBe("dev");
    await term.type(`/names${KEY.enter}`);
    await settle();
    expect(conn.ofType("who").at(-1)).toEqual({ type: "who", room: "dev" });
    await term.type(`/part${KEY.enter}`);
    await settle();
    expect(conn.ofType("leave")).toEqual([{ type: "leave", room: "dev" }]);
    expect(session.room).toBe("lobby");
  });

  test("/topic shows or sets the current room's topic; a #room first names another", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) =>
      m.type === "edit"
        ? { type: "room", room: { ...room("lobby", "admin"), topic: m.topic ?? "" } }
        : null;
    await term.type(`/topic release on  Friday${KEY.enter}`);
    await settle();
    expect(conn.ofType("edit")).toEqual([
      { type: "edit", room: "lobby", topic: "release on  Friday" },
    ]);
    expect(term.text()).toContain("topic of #lobby: release on  Friday");
    await term.type(`/topic #dev standup${KEY.enter}`);
    await settle();
    expect(conn.ofType("edit").at(-1)).toEqual({ type: "edit", room: "dev", topic: "standup" });
  });

  test("/msg sends a DM without leaving the room", async () => {
    const { term, conn, session } = await setup();
    await term.type(`/msg bob see  you${KEY.enter}`);
    await settle();
    const [dm] = conn.ofType("dm");
    expect(dm).toMatchObject({ type: "dm", to: "bob", text: "see  you" });
    expect(session.room).toBe("lobby");
  });

  test("/clear empties the screen and leaves the prompt with what was typed", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "message", ...msg("m1", "lobby", "bob", "before the clear") });
    await settle();
    expect(term.text()).toContain("before the clear");
    await term.type(`/clear${KEY.enter}`);
    await settle();
    expect(term.text()).not.toContain("before the clear");
    expect(term.screen().at(-1)).toBe("#lobby>");
  });

  test("/nick explains that names are fixed and never suggests kick", async () => {
    const { term } = await setup();
    await term.type(`/nick carol${KEY.enter}`);
    await settle();
    expect(term.text()).toContain("names are fixed");
    expect(term.text()).not.toContain("kick");
  });

  test("an unknown command suggests only a small typo of the same length or a longer name", async () => {
    const { term } = await setup();
    await term.type(`/sned hi${KEY.enter}`);
    await settle();
    expect(term.text()).toContain("unknown command /sned; did you mean /send?");
    await term.type(`/frobnicate${KEY.enter}`);
    await settle();
    expect(term.text()).toContain("unknown command /frobnicate (/help lists the commands)");
    await term.type(`/kick lobby bob extra${KEY.enter}`);
    await settle();
    expect(term.text()).toContain("usage: /kick [#room] <user>");
    expect(suggestNames("nick", ["kick", "who"])).toEqual([]);
    expect(suggestNames("mute", ["kick"])).toEqual([]);
    expect(suggestNames("hist", ["history", "help"])).toEqual(["history"]);
    expect(suggestNames("kcik", ["kick"])).toEqual(["kick"]);
    // The IRC names are aliases of the commands with the same meaning.
    const table = new ChatTable();
    const meaning = (name: string) => table.find(name)?.name;
    expect(["j", "part", "names", "msg", "q", "exit"].map(meaning)).toEqual([
      "join",
      "leave",
      "who",
      "dm",
      "query",
      "quit",
    ]);
  });
});

describe("the admin's tools in the chat", () => {
  test("/ban, /unban, /invite, /handover and /bans act on the current room", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) =>
      m.type === "bans" ? { type: "bans", room: "lobby", users: ["eve"] } : null;
    for (const line of ["/ban eve", "/unban eve", "/invite carol", "/handover bob", "/bans"]) {
      await term.type(`${line}${KEY.enter}`);
      await settle();
    }
    const sent = conn.sent.filter((m) =>
      ["ban", "unban", "invite", "handover", "bans"].includes(m.type),
    );
    expect(sent).toEqual([
      { type: "ban", room: "lobby", user: "eve" },
      { type: "unban", room: "lobby", user: "eve" },
      { type: "invite", room: "lobby", user: "carol" },
      { type: "handover", room: "lobby", user: "bob" },
      { type: "bans", room: "lobby" },
    ]);
    expect(term.text()).toContain("banned eve from #lobby");
    expect(term.text()).toMatch(/USER\neve/);
  });
});

describe("arguments left out", () => {
  test("are asked for in a dialog, each named by the usage, and only those", async () => {
    const { term, conn, dialogs } = await setup({ answers: ["eve", "bob", "-- see you"] });
    await term.type(`/kick${KEY.enter}`);
    await settle();
    expect(conn.ofType("kick")).toEqual([{ type: "kick", room: "lobby", user: "eve" }]);
    await term.type(`/dm${KEY.enter}`);
    await settle();
    expect(dialogs.asked).toEqual(["/kick: user", "/dm: user", "/dm: text"]);
    expect(conn.ofType("dm")).toMatchObject([{ type: "dm", to: "bob", text: "-- see you" }]);
  });

  test("a cancelled dialog runs nothing", async () => {
    const { term, conn } = await setup({ answers: [null] });
    await term.type(`/ban${KEY.enter}`);
    await settle();
    expect(conn.ofType("ban")).toEqual([]);
    expect(term.text()).toContain("-- cancelled");
  });
});

describe("amend and delete in the chat", () => {
  test("/amend last changes one's newest message in the view; /delete last deletes it", async () => {
    const { term, conn } = await setup();
    conn.history.set("lobby", [
      msg("m1", "lobby", "alice", "first"),
      msg("m2", "lobby", "alice", "teh typo"),
      msg("m3", "lobby", "bob", "mine, not hers"),
    ]);
    await term.type(`/amend last the typo${KEY.enter}`);
    await settle();
    expect(conn.ofType("amend")).toEqual([
      { type: "amend", room: "lobby", messageId: "m2", text: "the typo" },
    ]);
    await term.type(`/delete last${KEY.enter}`);
    await settle();
    expect(conn.ofType("delete")).toEqual([{ type: "delete", room: "lobby", messageId: "m2" }]);
  });

  test("/amend alone picks one of one's messages and starts from its text", async () => {
    const { term, conn, dialogs } = await setup({ answers: ["m1", "first, edited"] });
    conn.history.set("lobby", [msg("m1", "lobby", "alice", "first")]);
    await term.type(`/amend${KEY.enter}`);
    await settle();
    expect(dialogs.asked).toEqual(["Change which message?", "New text"]);
    expect(conn.ofType("amend")).toEqual([
      { type: "amend", room: "lobby", messageId: "m1", text: "first, edited" },
    ]);
  });
});
