import { describe, expect, test } from "bun:test";
import { parseClientMessage, ProtocolError } from "../../shared/parse.ts";
import {
  checkClientMessage,
  CLIENT_TYPES,
  FrameGenerator,
  frameText,
  mulberry32,
} from "../fuzz/frames.ts";

const FRAMES = 3000;

describe("The hostile frame generator", () => {
  test("the same seed gives the same frames", () => {
    const a = new FrameGenerator(7);
    const b = new FrameGenerator(7);
    for (let i = 0; i < 200; i++) expect(frameText(a.next())).toBe(frameText(b.next()));
  });

  test("mulberry32 spreads over [0, 1)", () => {
    const rand = mulberry32(1);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(rand() * 10)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(800);
  });

  test("it makes every recipe, and valid frames of every type", () => {
    const gen = new FrameGenerator(11, { rooms: ["lobby", "secret"], users: ["alice", "bob"] });
    const labels = new Set<string>();
    const parsedTypes = new Set<string>();
    for (let i = 0; i < FRAMES; i++) {
      const frame = gen.next();
      labels.add(frame.label);
      try {
        parsedTypes.add(parseClientMessage(frameText(frame)).type);
      } catch {
        // Rejected frames are the point; only the accepted types are counted here.
      }
    }
    expect([...labels].sort()).toEqual(
      [
        "bad-type",
        "binary",
        "control-chars",
        "deep-nesting",
        "extra-fields",
        "huge",
        "lone-surrogates",
        "malformed-json",
        "mutated-field",
        "mutated-many",
        "not-an-object",
        "valid",
      ].sort(),
    );
    expect([...parsedTypes].sort()).toEqual([...CLIENT_TYPES].sort());
  });
});

describe("parseClientMessage under hostile frames", () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: ${FRAMES} frames throw only ProtocolError and parse only to valid messages`, () => {
      const gen = new FrameGenerator(seed, {
        rooms: ["lobby", "secret", "constructor"],
        users: ["alice", "bob", "constructor"],
        messageIds: ["0190a000-0000-7000-8000-000000000001"],
      });
      let accepted = 0;
      let rejected = 0;
      const problems: string[] = [];
      for (let i = 0; i < FRAMES; i++) {
        const text = frameText(gen.next());
        try {
          const msg = parseClientMessage(text);
          accepted++;
          const problem = checkClientMessage(msg);
          if (problem) problems.push(`${problem}: ${text.slice(0, 200)}`);
        } catch (err) {
          rejected++;
          if (!(err instanceof ProtocolError))
            problems.push(`${String(err)}: ${text.slice(0, 200)}`);
          else if (err.message.length > 200) problems.push(`long error text: ${text.slice(0, 80)}`);
        }
      }
      expect(problems).toEqual([]);
      // Both sides of the parser are exercised.
      expect(accepted).toBeGreaterThan(FRAMES / 10);
      expect(rejected).toBeGreaterThan(FRAMES / 2);
      // Nothing leaked onto Object.prototype from `__proto__` keys.
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  }

  test("an own __proto__ key never becomes the prototype of the parsed frame", () => {
    const msg = parseClientMessage(
      '{"type":"send","__proto__":{"room":"x","text":"y"},"room":"lobby","text":"hi"}',
    );
    expect(msg).toEqual({ type: "send", room: "lobby", text: "hi" });
    expect(Object.getPrototypeOf(msg)).toBe(Object.prototype);
    expect(() => parseClientMessage('{"type":"send","__proto__":{"room":"x","text":"y"}}')).toThrow(
      ProtocolError,
    );
  });

  test("the checker itself rejects what it must", () => {
    const bad = [
      { type: "send", room: "x" },
      { type: "send", room: "x", text: "y", extra: 1 },
      { type: "history", room: "x", user: "y" },
      { type: "history", room: "x", limit: 0 },
      { type: "typing", room: "x", typing: "yes" },
      { type: "nope" },
      { type: "ping", id: "x".repeat(65) },
    ];
    for (const msg of bad) expect(checkClientMessage(msg as never)).not.toBeNull();
    expect(checkClientMessage({ type: "history", user: "bob", limit: 5 })).toBeNull();
  });
});
