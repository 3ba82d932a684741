import { beforeAll, describe, expect, test } from "bun:test";
import { PASSWORD, useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// Accounts, sessions and the connection as a person at a terminal meets them (tmux).
describe.skipIf(!hasTmux())("accounts and sessions in a terminal", () => {
  const { run, people, tmux } = useTerminals();

  beforeAll(async () => {
    await people.register("alice", "bob", "carol");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("bob", ["join", "lobby"]);
    await people.chat("carol", ["join", "lobby"]);
    await people.startIn("alice", "lobby");
  });

  test("the sign-up form checks each field as typed and keeps what was valid", async () => {
    people.start("frank");
    await tmux.waitFor("frank", "No saved session");
    tmux.press("frank", "Down", "Enter");
    await tmux.waitFor("frank", "User name");
    people.say("frank", "Not A Name!");
    await tmux.waitFor("frank", "1-32 characters: a-z 0-9 _ -");
    tmux.press("frank", "C-u");
    people.say("frank", "alice");
    await tmux.waitFor("frank", /Password\n/);
    people.say("frank", "short");
    await tmux.waitFor("frank", "at least 8 characters (5 so far)");
    people.say("frank", "-enough");
    await tmux.waitFor("frank", "Password again");
    people.say("frank", "short-enough");
    // The name is taken: said without shell advice, and asked again with the name kept.
    const refused = await tmux.waitFor("frank", (s) => count(s, "User name") === 2);
    expect(refused).toContain("user name 'alice' is taken\n│  choose another name\n");
    expect(refused).not.toContain("`chat ");
    expect(refused).not.toContain("check the arguments");
    expect(refused).toMatch(/◆ {2}User name\n│ {2}alice/);
    tmux.press("frank", "C-u");
    people.say("frank", "frank");
    // The passwords were fine: not asked again.
    await tmux.waitFor("frank", "Which room?");
  });

  test("bob and carol have different colours; with NO_COLOR none at all", async () => {
    await people.chat("bob", ["send", "lobby", "colour of bob"]);
    await people.chat("carol", ["send", "lobby", "colour of carol"]);
    await tmux.waitFor("alice", "carol: colour of carol");
    const screen = tmux.screenWithColors("alice");
    const sgr = (name: string) => new RegExp(`((?:\\x1b\\[[0-9;]*m)+)${name}`).exec(screen)?.[1];
    expect(sgr("bob")).toMatch(/38;5;\d+/);
    expect(sgr("bob")).not.toBe(sgr("carol"));
    await people.startIn("carol", "lobby", { NO_COLOR: "1" });
    await tmux.waitFor("carol", "bob: colour of bob");
    expect(tmux.screenWithColors("carol")).not.toMatch(/\x1b\[[0-9;]*m(bob|carol):/);
    tmux.killSession("carol");
  });

  test("a message typed while the server is down is sent once it is back, once", async () => {
    const stopped = run.server;
    await stopped.stop();
    await tmux.waitFor("alice", (s) => /\[reconnecting( in \d+s|\.\.\.)\] #lobby>$/.test(s));
    people.say("alice", "typed while away");
    await tmux.waitFor("alice", '"typed while away" is sent when the connection is back');
    await run.restart(stopped);
    const screen = await tmux.waitFor("alice", "alice: typed while away", 20_000);
    expect(count(screen, "alice: typed while away")).toBe(1);
    expect(screen).not.toContain("! not sent");
  });

  test("a session ended elsewhere: said in words, and logging in again carries on", async () => {
    // The same saved session, logged out from another process.
    await people.chat("alice", ["logout"]);
    await tmux.waitFor("alice", "you were logged out: this session was ended elsewhere");
    await tmux.waitFor("alice", "Log in again as alice?");
    expect(tmux.screen("alice")).not.toContain("send register, login or auth first");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", "Password");
    people.say("alice", PASSWORD);
    await tmux.waitFor("alice", (s) => s.includes("logged in as alice") && s.endsWith("#lobby>"));
    people.say("alice", "back after logging in again");
    await tmux.waitFor("alice", "alice: back after logging in again");
    expect(tmux.screen("alice")).not.toContain("already logged in");
  });

  test("input history belongs to the account: bob on alice's machine does not get hers", async () => {
    const shared = { XDG_STATE_HOME: people.env("alice").XDG_STATE_HOME ?? "" };
    await people.startIn("bob", "lobby", shared);
    // Up recalls nothing of alice's: what is typed after it is sent as typed.
    tmux.press("bob", "Up");
    people.say("bob", "bob was here");
    await tmux.waitFor("bob", "bob: bob was here");
    tmux.press("bob", "Up");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby> bob was here"));
    tmux.press("bob", "Up");
    await Bun.sleep(100);
    expect(tmux.lastLine("bob")).toBe("#lobby> bob was here");
    tmux.killSession("bob");
  });

  test("switching accounts with /register leaves no stray prompt line", async () => {
    people.say("alice", `/register gina ${PASSWORD} ${PASSWORD}`);
    const screen = await tmux.waitFor("alice", "Which room?");
    const after = screen.slice(screen.lastIndexOf("registered and logged in as gina"));
    expect(after).not.toContain("#lobby>");
  });
});
