import { beforeAll, describe, expect, test } from "bun:test";
import { PASSWORD, useTerminals } from "./terminals.ts";
import { count, hasTmux } from "./tmux.ts";

// Pasting and long input in real terminals (tmux), against a server with its rate limits on.
describe.skipIf(!hasTmux())("pasting and long input in a terminal", () => {
  const { people, tmux } = useTerminals({ args: ["--rate-limit"] });

  beforeAll(async () => {
    await people.register("alice", "bob");
    await people.chat("alice", ["create", "lobby"]);
    await people.chat("bob", ["join", "lobby"]);
    await people.startIn("alice", "lobby");
    await people.startIn("bob", "lobby");
  });

  test("a 150-line paste lands in the input, asks, and arrives as one message", async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `pasted line ${i + 1}`);
    const text = lines.join("\n");
    tmux.paste("alice", text);
    await tmux.waitFor("alice", `150 lines · ${text.length}/4000`);
    // Nothing was sent by the paste itself.
    expect(tmux.screen("bob")).not.toContain("pasted line");
    tmux.press("alice", "Enter");
    await tmux.waitFor("alice", "Send these 150 lines to #lobby as one message?");
    tmux.press("alice", "Enter");
    const seen = await tmux.waitFor("bob", "pasted line 150");
    // One message: the sender's name once, the other lines as its continuation.
    expect(seen).not.toContain("alice: pasted line 149");
    await tmux.waitFor("alice", (s) => s.includes("pasted line 150") && s.endsWith("#lobby>"));
    expect(tmux.screen("alice")).not.toContain("connection lost");
    expect(tmux.screen("alice")).not.toContain("!");
  });

  test("without bracketed paste, lines that arrive together stay in the input, the last one too", async () => {
    tmux.type("bob", "first of three\nsecond of three\nthird, no newline");
    await tmux.waitFor("bob", "3 lines ·");
    expect(tmux.screen("alice")).not.toContain("first of three");
    tmux.press("bob", "Enter");
    const screen = await tmux.waitFor("alice", "third, no newline");
    expect(count(screen, "bob: first of three")).toBe(1);
    expect(screen).not.toContain("bob: third");
  });

  test("a password typed in /login is masked before Enter", async () => {
    tmux.type("alice", `/login alice ${PASSWORD}`);
    await tmux.waitFor("alice", (s) =>
      s.endsWith(`#lobby> /login alice ${"*".repeat(PASSWORD.length)}`),
    );
    expect(tmux.screen("alice")).not.toContain(PASSWORD);
    tmux.press("alice", "C-u");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
  });

  test("over the limit: a live count, and Enter keeps the text to shorten", async () => {
    tmux.paste("alice", "z".repeat(4100));
    await tmux.waitFor("alice", "4100/4000: 100 over, shorten it to send");
    tmux.press("alice", "Enter");
    // The error is printed above the input, then the input and its count are drawn again.
    const notSent = "not sent: 100 characters over the limit of 4000";
    const screen = await tmux.waitFor("alice", (s) => {
      const at = s.indexOf(notSent);
      return at >= 0 && s.indexOf("4100/4000: 100 over", at) > at;
    });
    expect(screen.slice(screen.indexOf(notSent))).toContain("4100/4000: 100 over");
    tmux.press("alice", "BSpace");
    await tmux.waitFor("alice", "4099/4000: 99 over");
    tmux.press("alice", "C-u");
    await tmux.waitFor("alice", (s) => s.endsWith("#lobby>"));
    expect(tmux.screen("bob")).not.toContain("zzzz");
  });

  test("leaving with Ctrl-C and Yes leaves no prompt line behind", async () => {
    tmux.press("bob", "C-c");
    await tmux.waitFor("bob", "Leave the chat?");
    tmux.press("bob", "Enter");
    const screen = await tmux.waitFor("bob", "[exit 0]");
    const after = screen.slice(screen.indexOf("Leave the chat?"));
    expect(after).not.toContain("#lobby>");
  });
});
