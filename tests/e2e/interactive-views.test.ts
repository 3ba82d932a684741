import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { StateStore } from "../../client/interactive/history-file.ts";
import { PASSWORD, useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// The line above the prompt: the views and their counts.
function statusOf(screen: string): string {
  const lines = screen.split("\n");
  return lines[lines.length - 2] ?? "";
}

// Views in real terminals (tmux): alice at two devices ("alice" and "laptop"), bob and carol.
describe.skipIf(!hasTmux())("views in a terminal", () => {
  const { run, people, tmux } = useTerminals();

  beforeAll(async () => {
    await people.register("alice", "bob", "carol");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("alice", ["create", "dev"]);
    for (const user of ["bob", "carol"]) {
      await people.chat(user, ["join", "lobby"]);
      await people.chat(user, ["join", "dev"]);
    }
    // alice's second device: her own login in a home of its own.
    await people.chat("laptop", ["login", "alice", "--password-stdin"], `${PASSWORD}\n`);
    const laptopState = people.env("laptop").XDG_STATE_HOME ?? "";
    new StateStore(join(laptopState, "chat")).setLastRoom(run.server.url, "alice", "lobby");
    people.start("laptop");
    await Promise.all([
      people.startIn("alice", "lobby"),
      people.startIn("bob", "lobby"),
      people.startIn("carol", "lobby"),
      tmux.waitFor("laptop", (s) => s.endsWith("#lobby>")),
    ]);
  });

  test("unread and mention counts show on both devices; switching on one shows what was missed and clears both", async () => {
    await people.chat("bob", ["send", "dev", "build is green"]);
    await people.chat("carol", ["send", "dev", "alice: deploy now?"]);
    for (const device of ["alice", "laptop"]) {
      const screen = await tmux.waitFor(device, (s) => statusOf(s) === "#dev(2,1!) [#lobby]");
      expect(screen).not.toContain("build is green");
    }
    tmux.press("alice", "C-n");
    const screen = await tmux.waitFor(
      "alice",
      (s) => s.endsWith("#dev>") && s.includes("carol: alice: deploy now?"),
    );
    const marker = screen.indexOf("--- new since you left ---");
    expect(marker).toBeGreaterThan(-1);
    expect(marker).toBeLessThan(screen.indexOf("bob: build is green"));
    expect(statusOf(screen)).toBe("[#dev] #lobby");
    // The read marker moved on the server: the other device's counts clear too.
    await tmux.waitFor("laptop", (s) => statusOf(s) === "#dev [#lobby]");
  });

  test("a DM opens a view with a count; /r answers it; quiet presence shows in that view's status line", async () => {
    people.say("bob", "/dm alice lunch at noon?");
    await tmux.waitFor("alice", (s) => statusOf(s) === "[#dev] #lobby @bob(1!)");
    expect(tmux.screen("alice")).toContain("[dm] bob -> you: lunch at noon?");
    people.say("alice", "/r yes, see you there");
    await tmux.waitFor("bob", (s) => statusOf(s).includes("@alice(1!)"));
    // Answering read the conversation, here and on the other device.
    await tmux.waitFor("alice", (s) => statusOf(s) === "[#dev] #lobby @bob");
    await tmux.waitFor("laptop", (s) => statusOf(s).endsWith("@bob"));
    people.say("alice", "/r");
    let screen = await tmux.waitFor(
      "alice",
      (s) => s.endsWith("@bob>") && s.includes("[dm] bob -> you: lunch at noon?"),
    );
    expect(screen).toContain("[dm] you -> bob: yes, see you there");
    people.say("alice", "plain text goes to bob here");
    await tmux.waitFor("bob", (s) => statusOf(s).includes("@alice(2!)"));
    // bob leaves: no line in the timeline, only the DM view's status line says so.
    tmux.press("bob", "C-d");
    screen = await tmux.waitFor("alice", (s) => statusOf(s).includes("bob: offline"));
    expect(screen).not.toContain("bob is offline");
    expect(screen).not.toContain("is online");
  });

  test("/me shows as an action; /away shows in the status line and in /who", async () => {
    people.say("carol", "/me waves");
    await tmux.waitFor("laptop", "* carol waves");
    people.say("laptop", "/away at lunch");
    await tmux.waitFor("laptop", (s) => statusOf(s).endsWith("· you are away"));
    people.say("carol", "/who");
    await tmux.waitFor("carol", "at lunch");
    people.say("laptop", "/back");
    await tmux.waitFor("laptop", (s) => !statusOf(s).includes("away"));
  });

  test("a message naming alice is highlighted where she reads it, and /mentions lists it", async () => {
    people.say("carol", "thanks alice for the review");
    await tmux.waitFor("laptop", "carol: thanks alice for the review");
    expect(tmux.screenWithColors("laptop")).toMatch(/\x1b\[[0-9;]*7m(\x1b\[1m)?alice/);
    people.say("laptop", "/mentions");
    // Listed after the live line: the one in #dev (read elsewhere) and the one just seen.
    await tmux.waitFor(
      "laptop",
      (s) => s.includes("#dev carol: alice: deploy now?") && count(s, "thanks alice for the") === 2,
    );
  });
});
