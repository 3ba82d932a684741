import { describe, expect, test } from "bun:test";
import { sanitizeText } from "../../shared/protocol.ts";
import { mulberry32 } from "../fuzz/frames.ts";
import { UNSAFE } from "../helpers/terminal-safety.ts";

const PIECES = [
  "\x1b[31m",
  "\x1b[2J",
  "\x1b[?1049h",
  "\x1b]52;c;U0VDUkVU\x07",
  "\x1b]0;title\x1b\\",
  "\x1b]8;;http://x\x07link\x1b]8;;\x07",
  "\x1bP+q544e\x1b\\",
  "\x1b_apc\x1b\\",
  "\x9b6n",
  "\x9d0;t\x9c",
  "\x90dcs\x9c",
  "\x1b",
  "\x9b",
  "\x07",
  "\b",
  "\r",
  "\x00",
  "\x7f",
  "\u202e",
  "\u2066",
  "\u2069",
  "\t",
  "\n",
  "hello",
  " ",
  "é",
  "😀",
  "[31m",
  "]52;",
];

describe("sanitizeText under random mixes of terminal sequences", () => {
  test("10,000 random texts: nothing unsafe remains, and sanitising twice changes nothing", () => {
    const rand = mulberry32(42);
    const failures: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      let text = "";
      const n = 1 + Math.floor(rand() * 12);
      for (let j = 0; j < n; j++) text += PIECES[Math.floor(rand() * PIECES.length)];
      const clean = sanitizeText(text);
      if (UNSAFE.test(clean) || sanitizeText(clean) !== clean) failures.push(JSON.stringify(text));
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test("an OSC 52 clipboard write leaves none of its payload behind", () => {
    expect(sanitizeText("a\x1b]52;c;U0VDUkVU\x07b")).toBe("ab");
    expect(sanitizeText("a\x1b]52;c;U0VDUkVU")).toBe("a");
  });

  test("text without control characters is left exactly as it was", () => {
    const rand = mulberry32(7);
    const safe = ["hello", " ", "é", "😀", "[31m", "]52;", "\t", "\n", "#lobby", "<b>", "漢字"];
    for (let i = 0; i < 1000; i++) {
      let text = "";
      for (let j = 0; j < 6; j++) text += safe[Math.floor(rand() * safe.length)];
      expect(sanitizeText(text)).toBe(text);
    }
  });
});
