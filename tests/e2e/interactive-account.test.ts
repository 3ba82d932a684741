import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { StateStore } from "../../client/interactive/history-file.ts";
import { chat as runChat } from "../cli/helpers.ts";
import { restartServer, startServer, type TestServer, tempDir } from "../helpers/server.ts";
import { count, hasTmux, Tmux } from "./tmux.ts";

// Real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

// Accounts, sessions and the connection as a person at a terminal meets them (tmux).
const PASSWORD = "correct-horse";
const tmux = new Tmux();
let server: TestServer;
const envs = new Map<string, Record<string, string>>();

function env(user: string, extra: Record<string, string> = {}): Record<string, string> {
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
  return { ...e, ...extra };
}

async function chat(user: string, args: string[], stdin = ""): Promise<void> {
  const res = await runChat(["--server", server.url, ...args], { env: env(user), stdin });
  if (res.code !== 0) throw new Error(`chat ${args.join(" ")} exited ${res.code}: ${res.stderr}`);
}

// Straight into #lobby, as the last room used: no picker.
async function startInLobby(user: string, extra: Record<string, string> = {}): Promise<void> {
  new StateStore(join(env(user).XDG_STATE_HOME ?? "", "chat")).setLastRoom(
    server.url,
    user,
    "lobby",
  );
  tmux.start(user, ["bun", "client/main.ts", server.url], env(user, extra));
  await tmux.waitFor(user, (s) => s.endsWith("#lobby>"));
}

function say(user: string, text: string): void {
  tmux.type(user, text);
  tmux.press(user, "Enter");
}

describe.skipIf(!hasTmux())("accounts and sessions in a terminal", () => {
  beforeAll(async () => {
    server = await startServer();
    for (const user of ["alice", "bob", "carol"]) {
      await chat(user, ["register", user, "--password-stdin"], `${PASSWORD}\n${PASSWORD}\n`);
    }
    await chat("alice", ["create", "lobby"]);
    await chat("bob", ["join", "lobby"]);
    await chat("carol", ["join", "lobby"]);
    await startInLobby("alice");
  });

  afterAll(async () => {
    tmux.kill();
    await server?.stop();
  });

  test("the sign-up form checks each field as typed and keeps what was valid", async () => {
    tmux.start("frank", ["bun", "client/main.ts", server.url], env("frank"));
    await tmux.waitFor("frank", "No saved session");
    tmux.press("frank", "Down", "Enter");
    await tmux.waitFor("frank", "User name");
    say("frank", "Not A Name!");
    await tmux.waitFor("frank", "1-32 characters: a-z 0-9 _ -");
    tmux.press("frank", "C-u");
    say("frank", "alice");
    await tmux.waitFor("frank", /Password\n/);
    say("frank", "short");
    await tmux.waitFor("frank", "at least 8 characters (5 so far)");
    say("frank", "-enough");
    await tmux.waitFor("frank", "Password again");
    say("frank", "short-enough");
    // The name is taken: said without shell advice, and asked again with the name kept.
    const refused = await tmux.waitFor("frank", (s) => count(s, "User name") === 2);
    expect(refused).toContain("user name 'alice' is taken\n│  choose another name\n");
    expect(refused).not.toContain("`chat ");
    expect(refused).not.toContain("check the arguments");
    expect(refused).toMatch(/◆ {2}User name\n│ {2}alice/);
    tmux.press("frank", "C-u");
    say("frank", "frank");
    // The passwords were fine: not asked again.
    await tmux.waitFor("frank", "Which room?");
  });

  test("bob and carol have different colours; with NO_COLOR none at all", async () => {
    await chat("bob", ["send", "lobby", "colour of bob"]);
    await chat("carol", ["send", "lobby", "colour of carol"]);
    await tmux.waitFor("alice", "carol: colour of carol");
    const screen = tmux.screenWithColors("alice");
    const sgr = (name: string) => new RegExp(`((?:\\x1b\\[[0-9;]*m)+)${name}`).exec(screen)?.[1];
    expect(sgr("bob")).toMatch(/38;5;\d+/);
    expect(sgr("bob")).not.toBe(sgr("carol"));
    await startInLobby("carol", { NO_COLOR: "1" });
    await tmux.waitFor("carol", "bob: colour of bob");
    expect(tmux.screenWithColors("carol")).not.toMatch(/\x1b\[[0-9;]*m(bob|carol):/);
    tmux.killSession("carol");
  });

  test("a message typed while the server is down is sent once it is back, once", async () => {
    const stopped = server;
    await server.stop();
    await tmux.waitFor("alice", (s) => /\[reconnecting( in \d+s|\.\.\.)\] #lobby>$/.test(s));
    say("alice", "typed while away");
    await tmux.waitFor("alice", '"typed while away" is sent when the connection is back');
    server = await restartServer(stopped);
    const screen = await tmux.waitFor("alice", "alice: typed while away", 20_000);
    expect(count(screen, "alice: typed while away")).toBe(1);
    expect(screen).not.toContain("! not sent");
  });

  test("a session ended elsewhere: said in words, and logging in again carries on", async () => {
    // The same saved session, logged out from another process.
    await chat("alice", ["logout"]);
    await tmux.waitFor("alice", "you were logged out: this session was ended elsewhere");
    await tmux.waitFor("alice", "Log in again as alice?");
    expect(tmux.screen("alice")).not.toContain("send register, login or auth first");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", "Password");
    say("alice", PASSWORD);
    await tmux.waitFor("alice", (s) => s.includes("logged in as alice") && s.endsWith("#lobby>"));
    say("alice", "back after logging in again");
    await tmux.waitFor("alice", "alice: back after logging in again");
    expect(tmux.screen("alice")).not.toContain("already logged in");
  });

  test("input history belongs to the account: bob on alice's machine does not get hers", async () => {
    const shared = { XDG_STATE_HOME: env("alice").XDG_STATE_HOME ?? "" };
    new StateStore(join(shared.XDG_STATE_HOME, "chat")).setLastRoom(server.url, "bob", "lobby");
    tmux.start("bob", ["bun", "client/main.ts", server.url], env("bob", shared));
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
    // Up recalls nothing of alice's: what is typed after it is sent as typed.
    tmux.press("bob", "Up");
    say("bob", "bob was here");
    await tmux.waitFor("bob", "bob: bob was here");
    tmux.press("bob", "Up");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby> bob was here"));
    tmux.press("bob", "Up");
    await Bun.sleep(100);
    expect(tmux.lastLine("bob")).toBe("#lobby> bob was here");
    tmux.killSession("bob");
  });

  test("switching accounts with /register leaves no stray prompt line", async () => {
    say("alice", `/register gina ${PASSWORD} ${PASSWORD}`);
    const screen = await tmux.waitFor("alice", "Which room?");
    const after = screen.slice(screen.lastIndexOf("registered and logged in as gina"));
    expect(after).not.toContain("#lobby>");
  });
});
