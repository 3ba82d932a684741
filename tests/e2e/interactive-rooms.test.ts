import { beforeAll, describe, expect, test } from "bun:test";
import { useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// Room commands typed in real terminals (tmux): alice administers, bob is a member.
describe.skipIf(!hasTmux())("room commands in a terminal", () => {
  const { people, tmux } = useTerminals();

  beforeAll(async () => {
    await people.register("alice", "bob");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("alice", ["create", "dev"]);
    await people.chat("alice", ["create", "den", "--closed"]);
    await people.chat("bob", ["join", "lobby"]);
    await people.chat("bob", ["join", "dev"]);
    await people.startIn("alice", "lobby");
    await people.startIn("bob", "lobby");
  });

  test("a bare /leave leaves the current room and the next one stays usable", async () => {
    people.say("bob", "/leave");
    await tmux.waitFor("bob", (s) => s.includes("you left #lobby") && s.endsWith("#dev>"));
    people.say("bob", "/join dev");
    await tmux.waitFor("bob", "now in #dev");
    expect(tmux.screen("bob")).not.toContain("already");
    people.say("bob", "still in dev");
    // alice is in #lobby: the message is counted in #dev's view.
    await tmux.waitFor("alice", (s) => s.split("\n").at(-2)?.includes("#dev(1)") === true);
    people.say("bob", "/join lobby");
    await tmux.waitFor("bob", (s) => s.endsWith("#lobby>"));
  });

  test("/editroom of a closed room starts on closed: Enter, Enter, Enter keeps it closed", async () => {
    people.say("alice", "/editroom den");
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
    people.say("alice", "/createroom qa closed");
    await tmux.waitFor("alice", "Listed in /rooms?");
    expect(tmux.screen("alice")).not.toContain("Who may join?");
    tmux.press("alice", "Enter");
    const screen = await tmux.waitFor("alice", (s) => s.endsWith("#qa>"));
    expect(screen).toContain("created #qa (closed, visible)");
  });

  test("/shutdown by a member who is not the admin is refused without a question", async () => {
    people.say("bob", "/shutdown lobby");
    await tmux.waitFor("bob", "only the admin of #lobby may shut it down");
    expect(tmux.screen("bob")).not.toContain("Shut down #lobby?");
    expect(tmux.lastLine("bob")).toBe("#lobby>");
  });

  test("DMs read [dm] live and in /history", async () => {
    people.say("alice", "/dm bob a word in private");
    await tmux.waitFor("bob", "[dm] alice -> you: a word in private");
    people.say("bob", "/history @alice");
    const screen = await tmux.waitFor("bob", /\[dm\] alice -> bob: a word in private/);
    expect(screen).not.toContain("[DM]");
  });
});
