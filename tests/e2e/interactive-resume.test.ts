import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadCursor, saveCursor } from "../../client/interactive/cursor-file.ts";
import { StateStore } from "../../client/interactive/history-file.ts";
import { useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// The interactive client keeps its place in the server's log across runs: what was sent while
// it was not running shows on the next run, once.
describe.skipIf(!hasTmux())("the next run of the chat", () => {
  const { run, people, tmux } = useTerminals();

  // alice's state folder, where her client keeps its cursor.
  const aliceState = () => new StateStore(join(people.env("alice").XDG_STATE_HOME ?? "", "chat"));

  async function quit(user: string): Promise<void> {
    tmux.press(user, "C-d");
    await tmux.waitFor(user, "[exit 0]");
    tmux.killSession(user);
  }

  beforeAll(async () => {
    await people.register("alice", "bob");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("bob", ["join", "lobby"]);
    await people.chat("bob", ["create", "vault", "--closed"]);
    await people.chat("alice", ["join", "vault"]);
    await people.startIn("alice", "lobby");
  });

  test("a DM, a room message and a decision sent while it was not running show once", async () => {
    await quit("alice");
    await people.chat("bob", ["dm", "alice", "a word in private"]);
    await people.chat("bob", ["send", "lobby", "posted while you were away"]);
    await people.chat("bob", ["approve", "vault", "alice"]);
    people.start("alice");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
    // Only the cursor brings a decision made while the requester was away.
    await tmux.waitFor("alice", "you are now a member of #vault");
    // The DM shows where she is and is counted once in its view (the catch-up and the
    // server's count are one).
    await tmux.waitFor("alice", "@bob(1!)");
    let screen = await tmux.waitFor("alice", "bob -> you: a word in private");
    expect(screen).not.toContain("Which room?");
    expect(count(screen, "a word in private")).toBe(1);
    expect(count(screen, "bob: posted while you were away")).toBe(1);
    expect(count(screen, "you are now a member of #vault")).toBe(1);
    // Reading it there clears its count for the next run.
    people.say("alice", "/query bob");
    screen = await tmux.waitFor("alice", (s) => count(s, "a word in private") === 2);
    expect(screen.endsWith("@bob>")).toBe(true);
  });

  test("the run after that shows none of it again", async () => {
    await quit("alice");
    people.start("alice");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
    await people.chat("bob", ["send", "lobby", "and now live"]);
    const screen = await tmux.waitFor("alice", "bob: and now live");
    expect(screen).not.toContain("you are now a member of #vault");
    expect(screen).not.toContain("@bob(");
  });

  test("a cursor the server does not know is dropped, said in one line, and the chat starts from now", async () => {
    await quit("alice");
    const unknown = "9000000000000000";
    saveCursor(aliceState(), run.server.url, "alice", unknown);
    await people.chat("bob", ["send", "lobby", "posted before the reset"]);
    people.start("alice");
    // The notice comes with the server's answer to the cursor, which may follow the prompt.
    const notice = "does not know where the last run stopped";
    const screen = await tmux.waitFor("alice", (s) => s.endsWith("#lobby>") && s.includes(notice));
    expect(count(screen, notice)).toBe(1);
    await people.chat("bob", ["send", "lobby", "after the start"]);
    await tmux.waitFor("alice", "bob: after the start");
    const saved = loadCursor(aliceState(), run.server.url, "alice");
    expect(saved).not.toBeNull();
    expect(saved).not.toBe(unknown);
  });
});
