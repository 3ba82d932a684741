import { beforeAll, describe, expect, test } from "bun:test";
import { PASSWORD, useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// Two people chat in real terminals (tmux) through the interactive client.
const isTmux = hasTmux();

describe.skipIf(!isTmux)("interactive chat in a terminal", () => {
  const { run, people, tmux } = useTerminals();

  beforeAll(async () => {
    await people.register("alice");
    await people.chat("alice", ["create", "lobby", "--topic", "everyone"]);
  });

  test("a saved login goes straight to the room picker, a new user registers in the dialog", async () => {
    people.start("alice");
    await tmux.waitFor("alice", "Which room?");
    // The creator is told as the room's admin.
    expect(tmux.screen("alice")).toContain("#lobby (admin, 1 member: everyone)");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));

    people.start("bob");
    await tmux.waitFor("bob", "No saved session");
    tmux.press("bob", "Down", "Enter");
    await tmux.waitFor("bob", "User name");
    people.say("bob", "bob");
    await tmux.waitFor("bob", /Password\n/);
    people.say("bob", PASSWORD);
    await tmux.waitFor("bob", "Password again");
    people.say("bob", PASSWORD);
    await tmux.waitFor("bob", "Which room?");
    tmux.press("bob", "Enter");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
    // The password never shows, only its mask.
    expect(tmux.screen("bob")).not.toContain(PASSWORD);
    await tmux.waitFor("alice", "bob joined #lobby");
  });

  test("half-typed text stays intact while a message arrives, and the typing indicator shows", async () => {
    tmux.type("alice", "half typed");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby (alice is typing)>"));
    people.say("bob", "hello from bob");
    await tmux.waitFor("alice", "bob: hello from bob");
    expect(tmux.lastLine("alice")).toBe("#lobby> half typed");
    people.say("alice", " sentence");
    await tmux.waitFor("bob", "alice: half typed sentence");
    // The message ends the typing indicator.
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
    expect(count(tmux.screen("bob"), "alice: half typed sentence")).toBe(1);
  });

  test("long input wrapped over two rows is not disturbed by arriving messages", async () => {
    const long = `${"lorem ipsum ".repeat(12)}END-OF-LONG`;
    tmux.type("alice", long);
    await tmux.waitFor("alice", "END-OF-LONG");
    people.say("bob", "first interruption");
    // Keys that reach the client in one read are one paste: wait before the next line.
    await tmux.waitFor("bob", "bob: first interruption");
    people.say("bob", "second interruption");
    const wrapped = `#lobby> ${long}`;
    const lastTwo = (s: string) => s.split("\n").slice(-2).join("");
    // The message is printed, then the input drawn again under it: read once both are there.
    const screen = await tmux.waitFor(
      "alice",
      (s) => s.includes("bob: second interruption") && lastTwo(s) === wrapped,
    );
    expect(lastTwo(screen)).toBe(wrapped);
    expect(count(screen, "bob: first interruption")).toBe(1);
    expect(count(screen, "END-OF-LONG")).toBe(1);
    tmux.press("alice", "C-c");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
  });

  test("/dm reaches the other user, marked as a DM", async () => {
    people.say("alice", "/dm bob psst, a secret");
    await tmux.waitFor("bob", "[dm] alice -> you: psst, a secret");
    const screen = await tmux.waitFor("alice", "[dm] you -> bob: psst, a secret");
    expect(count(screen, "[dm] you -> bob: psst, a secret")).toBe(1);
  });

  test("/join of a closed room waits for the admin's /approve", async () => {
    people.say("alice", "/createroom den closed visible");
    await tmux.waitFor("alice", (s) => s.endsWith("#den>"));
    people.say("bob", "/join den");
    await tmux.waitFor("alice", "bob asks to join #den");
    people.say("alice", "/approve den bob");
    await tmux.waitFor("bob", "you are now a member of #den");
    people.say("bob", "/join den");
    await tmux.waitFor("bob", (s) => s.endsWith("#den>"));
    people.say("bob", "thanks for letting me in");
    await tmux.waitFor("alice", "bob: thanks for letting me in");
  });

  test("a server restart is survived, and what was missed is shown once", async () => {
    const stopped = run.server;
    await stopped.stop();
    await tmux.waitFor("alice", (s) => /\[reconnecting( in \d+s|\.\.\.)\] #den>$/.test(s));
    await tmux.waitFor("bob", (s) => /\[reconnecting( in \d+s|\.\.\.)\] #den>$/.test(s));
    await run.restart(stopped);
    await people.register("carol");
    await people.chat("carol", ["join", "lobby"]);
    await people.chat("carol", ["send", "lobby", "posted while you were away"]);
    // The restart is one line; the message missed in #lobby is counted there once.
    const unreadOnce = (s: string) => s.split("\n").at(-2)?.includes("#lobby(1)") === true;
    for (const user of ["alice", "bob"]) {
      await tmux.waitFor(user, (s) => s.includes("reconnected") && s.endsWith("#den>"), 20_000);
      const screen = await tmux.waitFor(user, unreadOnce);
      expect(count(screen, "reconnected")).toBe(1);
      expect(screen).not.toContain("is offline");
    }
    // Still one after any late duplicate would have arrived; in #lobby it shows once.
    people.say("bob", "back again");
    await tmux.waitFor("alice", "bob: back again");
    expect(unreadOnce(tmux.screen("alice"))).toBe(true);
    people.say("alice", "/switch lobby");
    const screen = await tmux.waitFor(
      "alice",
      (s) => s.endsWith("#lobby>") && s.includes("carol: posted while you were away"),
    );
    expect(count(screen, "posted while you were away")).toBe(1);
    people.say("alice", "/switch den");
    await tmux.waitFor("alice", (s) => s.endsWith("#den>"));
  });

  test("Ctrl-C on an empty line asks before quitting; Ctrl-D quits", async () => {
    tmux.press("bob", "C-c");
    await tmux.waitFor("bob", "Leave the chat?");
    tmux.press("bob", "Right", "Enter");
    await tmux.waitFor("bob", (s) => s.endsWith("#den>"));
    tmux.press("bob", "C-d");
    await tmux.waitFor("bob", "[exit 0]");
  });

  test("the next run goes back to the last room, shows DMs sent meanwhile, and Up recalls the last run's input", async () => {
    people.say("alice", "/dm bob while you were out");
    await tmux.waitFor("alice", "[dm] you -> bob: while you were out");
    tmux.killSession("bob");
    people.start("bob");
    await tmux.waitFor("bob", (s) => s.endsWith("#den>"));
    // The DM sent meanwhile comes through the saved cursor: shown once, and counted once
    // with the earlier one in alice's view.
    const screen = await tmux.waitFor("bob", "[dm] alice -> you: while you were out");
    expect(count(screen, "while you were out")).toBe(1);
    await tmux.waitFor("bob", "@alice(2!)");
    expect(tmux.screen("bob")).not.toContain("Which room?");
    tmux.press("bob", "Up");
    await tmux.waitFor("bob", (s) => s.endsWith("#den> back again"));
    tmux.press("bob", "Up");
    await tmux.waitFor("bob", (s) => s.endsWith("#den> thanks for letting me in"));
  });
  test("the seed's /register and /login switch to that account, the password never shown", async () => {
    await people.chat("dave", ["register", "dave", "--password-stdin"], `${PASSWORD}\n`);
    people.start("dave");
    await tmux.waitFor("dave", "Which room?");
    tmux.press("dave", "Enter");
    await tmux.waitFor("dave", (s) => s.endsWith("#lobby>"));
    people.say("dave", `/register erin ${PASSWORD} ${PASSWORD}`);
    await tmux.waitFor("dave", "registered and logged in as erin");
    await tmux.waitFor("dave", "Which room?");
    tmux.press("dave", "Enter");
    await tmux.waitFor("dave", (s) => s.endsWith("#lobby>"));
    people.say("dave", `/login alice ${PASSWORD}`);
    await tmux.waitFor("dave", "logged in as alice on");
    await tmux.waitFor("dave", "Which room?");
    tmux.press("dave", "Enter");
    await tmux.waitFor("dave", /#\w+>$/);
    people.say("dave", "/whoami");
    const screen = await tmux.waitFor("dave", /\/whoami\nalice\n/);
    expect(screen).toContain(`/login alice ********`);
    expect(screen).not.toContain(PASSWORD);
  });
  test("Ctrl-D at the password prompt of `chat login` cancels it: exit 130, no hang", async () => {
    const argv = ["bun", "client/main.ts", "--server", run.server.url, "login", "alice"];
    tmux.start("prompt", argv, people.env("prompt"));
    await tmux.waitFor("prompt", "Password");
    tmux.press("prompt", "C-d");
    await tmux.waitFor("prompt", "[exit 130]");
  });
});
