import { describe, expect, test } from "bun:test";
import { logValue } from "../../server/log.ts";

describe("Log lines", () => {
  test("plain values stay plain; spaces, quotes and equals signs are quoted", () => {
    expect(logValue("alice")).toBe("alice");
    expect(logValue(4008)).toBe("4008");
    expect(logValue("no such room 'x'")).toBe(`"no such room 'x'"`);
    expect(logValue("a=b")).toBe(`"a=b"`);
  });

  test("control characters and bidi overrides never reach the log raw", () => {
    const line = logValue("evil\x1b]0;title\x07\u202eend\x9b");
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(line).toContain("\\u001b");
    expect(line).toContain("\\u202e");
  });
});
