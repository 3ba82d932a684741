import { describe, expect, test } from "bun:test";
import { buildPrompt, typingText } from "../../client/interactive/status.ts";
import { makeColors } from "../../client/render.ts";

const c = makeColors(false);

describe("prompt", () => {
  test("shows the current room", () => {
    expect(buildPrompt({ room: "lobby", typing: [], connection: "open" }, c)).toBe("#lobby> ");
  });

  test("shows who is typing in the current room", () => {
    const prompt = buildPrompt({ room: "lobby", typing: ["bob"], connection: "open" }, c);
    expect(prompt).toBe("#lobby (bob is typing)> ");
  });

  test("shows reconnecting with the time until the next attempt", () => {
    const state = { room: "dev", typing: [], connection: "reconnecting" as const };
    expect(buildPrompt(state, c)).toBe("[reconnecting...] #dev> ");
    expect(buildPrompt({ ...state, retryInSeconds: 12 }, c)).toBe("[reconnecting in 12s] #dev> ");
    expect(buildPrompt({ ...state, retryInSeconds: null }, c)).toBe("[reconnecting...] #dev> ");
  });

  test("shows a session ended elsewhere", () => {
    const state = { room: "lobby", typing: [], connection: "open" as const, isLoggedOut: true };
    expect(buildPrompt(state, c)).toBe("[logged out] #lobby> ");
  });

  test("shows offline and no room", () => {
    expect(buildPrompt({ room: null, typing: [], connection: "closed" }, c)).toBe(
      "[offline] (no room)> ",
    );
  });
});

describe("typing text", () => {
  test("names one, two or three typists and counts more", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["bob", "ann"])).toBe("ann and bob are typing");
    expect(typingText(["c", "b", "a"])).toBe("a, b and c are typing");
    expect(typingText(["a", "b", "c", "d"])).toBe("4 people are typing");
  });

  test("names from the wire cannot carry control sequences into the prompt", () => {
    expect(typingText(["bo\x1b[2Jb"])).toBe("bob is typing");
  });
});
