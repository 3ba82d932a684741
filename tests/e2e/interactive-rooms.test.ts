import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { StateStore } from "../../client/interactive/history-file.ts";
import { chat as runChat } from "../cli/helpers.ts";
import { startServer, type TestServer, tempDir } from "../helpers/server.ts";
import { count, hasTmux, Tmux } from "./tmux.ts";

// Real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

// Room commands typed in real terminals (tmux): alice administers, bob is a member.
const PASSWORD = "correct-horse";
const tmux = new Tmux();
let server: TestServer;
const envs = new Map<string, Record<string, string>>();

function env(user: string): Record<string, string> {
  let e = envs.get(user);
  if (!e) {
    const base = tempDir(`chat-e2e-${user}-`);
    e = {
      XDG_CONFIG_HOME: join(base, "config"),
      XDG_STATE_HOME: join(base, "state"),
      TERM: "xterm-256color",
    };
    envs.set(user, e);
  }
  return e;
}

async function chat(user: string, args: string[], stdin = ""): Promise<void> {
  const res = await runChat(["--server", server.url, ...args], { env: env(user), stdin });
  if (res.code !== 0) throw new Error(`chat ${args.join(" ")} exited ${res.code}: ${res.stderr}`);
}

// Straight into `room`, as the last room used: no picker.
async function startIn(user: string, room: string): Promise<void> {
  new StateStore(join(env(user).XDG_STATE_HOME ?? "", "chat")).setLastRoom(server.url, user, room);
  tmux.start(user, ["bun", "client/main.ts", server.url], env(user));
  await tmux.waitFor(user, (s) => s.endsWith(`#${room}>`));
}

function say(user: string, text: string): void {
  tmux.type(user, text);
  tmux.press(user, "Enter");
}

describe.skipIf(!hasTmux())("room commands in a terminal", () => {
  beforeAll(async () => {
    server = await startServer();
    for (const user of ["alice", "bob"]) {
      await chat(user, ["register", user, "--password-stdin"], `${PASSWORD}\n${PASSWORD}\n`);
    }
    await chat("alice", ["create", "lobby"]);
    await chat("alice", ["create", "dev"]);
    await chat("alice", ["create", "den", "--closed"]);
    await chat("bob", ["join", "lobby"]);
    await chat("bob", ["join", "dev"]);
    await startIn("alice", "lobby");
    await startIn("bob", "lobby");
  });

  afterAll(async () => {
    tmux.kill();
    await server?.stop();
  });

  test("a bare /leave leaves the current room and the next one stays usable", async () => {
    say("bob", "/leave");
    await tmux.waitFor("bob", (s) => s.includes("you left #lobby") && s.endsWith("#dev>"));
    say("bob", "/join dev");
    await tmux.waitFor("bob", "now in #dev");
    expect(tmux.screen("bob")).not.toContain("already");
    say("bob", "still in dev");
    await tmux.waitFor("alice", "#dev bob: still in dev");
    say("bob", "/join lobby");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
  });

  test("/editroom of a closed room starts on closed: Enter, Enter, Enter keeps it closed", async () => {
    say("alice", "/editroom den");
    await tmux.waitFor("alice", "#den: who may join?");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", "#den: listed in /rooms?");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", "#den: topic");
    tmux.press("alice", "Enter");
    const screen = await tmux.waitFor("alice", "room settings: #den");
    expect(screen).toContain("room settings: #den (closed, visible)");
    // Told once, by the update every member gets.
    expect(count(screen, "#den (closed")).toBe(1);
    expect(screen).not.toContain("changed #den");
  });

  test("/createroom qa closed asks only whether it is listed", async () => {
    say("alice", "/createroom qa closed");
    await tmux.waitFor("alice", "Listed in /rooms?");
    expect(tmux.screen("alice")).not.toContain("Who may join?");
    tmux.press("alice", "Enter");
    const screen = await tmux.waitFor("alice", (s) => s.endsWith("#qa>"));
    expect(screen).toContain("created #qa (closed, visible)");
  });

  test("/shutdown by a member who is not the admin is refused without a question", async () => {
    say("bob", "/shutdown lobby");
    await tmux.waitFor("bob", "only the admin of #lobby may shut it down");
    expect(tmux.screen("bob")).not.toContain("Shut down #lobby?");
    expect(tmux.lastLine("bob")).toBe("#lobby>");
  });

  test("DMs read [dm] live and in /history", async () => {
    say("alice", "/dm bob a word in private");
    await tmux.waitFor("bob", "[dm] alice -> you: a word in private");
    say("bob", "/history @alice");
    const screen = await tmux.waitFor("bob", /\[dm\] alice -> bob: a word in private/);
    expect(screen).not.toContain("[DM]");
  });
});
