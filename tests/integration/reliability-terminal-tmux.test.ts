/**
 * Terminal safety end to end: the interactive client in a real terminal (tmux) connected to
 * a hostile server whose every string carries terminal sequences, its user name (shown in
 * the "logged in as" banner and by /whoami) and its error texts included. The pane's title
 * does not change, nothing reaches the clipboard, the screen is not cleared, and no bidi
 * override or escape reaches the screen.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "bun";
import { join } from "node:path";
import { readAuth, saveSession, sessionFor } from "../../client/config.ts";
import { Terminals } from "../e2e/terminals.ts";
import { hasTmux } from "../e2e/tmux.ts";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";

// This file starts real processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const EVIL = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[H\u202e\x9b2J";

function evil(s: string): string {
  return `${s}${EVIL}`;
}

/** A server speaking just enough protocol for the interactive client, all of it hostile. */
function hostileServer(): FakeServer {
  let n = 0;
  const message = (text: string) => ({
    id: `0190a000-0000-7000-8000-${String(++n).padStart(12, "0")}`,
    room: "lobby",
    from: "mallory",
    text,
    ts: new Date().toISOString(),
  });
  const room = {
    name: "lobby",
    open: true,
    visible: true,
    admin: "mallory",
    members: 2,
    role: "member",
    topic: evil("topic"),
  };
  return fakeServer(evil("chat"), (msg, conn) => {
    switch (msg.type) {
      case "auth":
        return conn.reply({ type: "session", user: evil("bob"), token: "t" });
      case "rooms":
        return conn.reply({ type: "rooms", rooms: [room] });
      case "history":
        return conn.reply({
          type: "history",
          room: "lobby",
          messages: [message("MARKER-BEFORE first line")],
        });
      case "who":
        return conn.reply({
          type: "who",
          room: "lobby",
          users: [{ user: "mallory", status: "online", typing: false }],
        });
      case "join":
        if (msg.room !== "lobby") {
          return conn.reply({ type: "error", code: "not_found", message: evil("NO-SUCH-ROOM") });
        }
        return conn.reply({ type: "joined", room: "lobby", status: "joined" });
      case "ping":
        return conn.reply({ type: "pong" });
      case "send":
        conn.reply({ type: "sent", message: message("SEND-ACK") });
        // The hostile burst, after the client has shown it is ready by sending.
        for (const e of [
          { type: "message", ...message(evil("SAFE-MESSAGE")) },
          { type: "room_update", room },
          {
            type: "presence",
            room: "lobby",
            online: [evil("eve")],
            idle: [],
            offline: [],
            away: {},
          },
          { type: "member", room: "lobby", user: evil("eve"), event: "joined" },
          { type: "message", ...message("MARKER-AFTER last line") },
        ]) {
          conn.send(e);
        }
        return undefined;
      default:
        return conn.reply({ type: "ok" });
    }
  });
}

const isTmux = hasTmux();

describe.skipIf(!isTmux)("the interactive client against a hostile server", () => {
  let fake: FakeServer;
  const people = new Terminals(() => fake.url);
  const { tmux } = people;

  const tmuxCmd = (...args: string[]): string =>
    spawnSync(["tmux", "-L", tmux.socket, ...args], { stderr: "pipe" })
      .stdout.toString()
      .trim();

  beforeAll(() => {
    fake = hostileServer();
  });

  afterAll(() => {
    people.close();
    fake?.stop();
  });

  test("no title change, no clipboard write, no cleared screen, no escape on screen", async () => {
    people.start("bob", { CHAT_TOKEN: "t" });
    // Let OSC 52 reach tmux's own buffers if anything sends it.
    tmuxCmd("set-option", "-g", "set-clipboard", "on");
    const titleBefore = tmuxCmd("display-message", "-p", "-t", "bob", "#{pane_title}");
    // A room picker (no room remembered yet), or straight to the room.
    const first = await tmux.waitFor("bob", (s) => s.includes("Which room?") || s.endsWith(">"));
    if (first.includes("Which room?")) tmux.press("bob", "Enter");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
    tmux.type("bob", "hello");
    tmux.press("bob", "Enter");
    await tmux.waitFor("bob", "MARKER-AFTER");
    // Slash-command output: the user name, the members, a server's error text.
    for (const command of ["/whoami", "/who", "/join other"]) {
      tmux.type("bob", command);
      tmux.press("bob", "Enter");
    }
    const screen = await tmux.waitFor("bob", "NO-SUCH-ROOM");

    expect(screen).toContain("logged in as bob on");
    expect(screen).toContain("SAFE-MESSAGE");
    // The screen was not cleared by the hostile message: what came before is still there.
    expect(screen).toContain("MARKER-BEFORE");
    expect(screen).not.toContain("\u202e");
    expect(screen).not.toContain("ZXZpbA==");
    expect(tmuxCmd("display-message", "-p", "-t", "bob", "#{pane_title}")).toBe(titleBefore);
    expect(tmuxCmd("display-message", "-p", "-t", "bob", "#{pane_title}")).not.toContain("pwned");
    expect(tmuxCmd("list-buffers")).toBe("");
  });
});

/** A server that answers the first authentication with rate_limited, then accepts. */
function limitingServer(): FakeServer & { auths: () => number } {
  let auths = 0;
  const server = fakeServer("limited", (msg, conn) => {
    switch (msg.type) {
      case "auth":
        auths += 1;
        return conn.reply(
          auths === 1
            ? { type: "error", code: "rate_limited", message: "too many", retryAfterMs: 600 }
            : { type: "session", user: "bob", token: "saved-token" },
        );
      case "rooms":
        return conn.reply({
          type: "rooms",
          rooms: [
            {
              name: "lobby",
              open: true,
              visible: true,
              admin: "bob",
              members: 1,
              role: "admin",
              topic: "",
            },
          ],
        });
      case "history":
        return conn.reply({ type: "history", room: "lobby", messages: [] });
      case "who":
        return conn.reply({ type: "who", room: "lobby", users: [] });
      default:
        return conn.reply({ type: "ok" });
    }
  });
  return { ...server, auths: () => auths };
}

describe.skipIf(!isTmux)("the interactive client started while its address is rate limited", () => {
  let limited: ReturnType<typeof limitingServer>;
  const people = new Terminals(() => limited.url);
  const { tmux } = people;

  beforeAll(() => {
    limited = limitingServer();
  });

  afterAll(() => {
    people.close();
    limited?.stop();
  });

  test("keeps the saved session, waits as asked and logs in with it", async () => {
    const configDir = join(people.env("bob").XDG_CONFIG_HOME ?? "", "chat");
    saveSession(configDir, { server: limited.url, user: "bob", token: "saved-token" });
    people.start("bob");
    const first = await tmux.waitFor(
      "bob",
      (s) => s.includes("Which room?") || s.endsWith(">") || s.includes("No saved session"),
    );
    expect(first).not.toContain("No saved session");
    if (first.includes("Which room?")) tmux.press("bob", "Enter");
    const screen = await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
    expect(screen).toContain("logged in as bob");
    expect(limited.auths()).toBe(2);
    expect(sessionFor(readAuth(configDir), limited.url)?.token).toBe("saved-token");
  });
});
