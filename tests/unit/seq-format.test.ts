import { describe, expect, test } from "bun:test";
import { formatSeq, parseSeq, SEQ_WIDTH } from "../../shared/seq.ts";

describe("formatSeq", () => {
  test("every position is 16 digits, zero-padded, and reads back as itself", () => {
    const positions = [0, 1, 9, 10, 12345, 10 ** 15 - 1, 10 ** 15, Number.MAX_SAFE_INTEGER];
    for (const n of positions) {
      const text = formatSeq(n);
      expect(text).toHaveLength(SEQ_WIDTH);
      expect(text).toBe(String(n).padStart(SEQ_WIDTH, "0"));
      expect(parseSeq(text)).toBe(n);
    }
  });

  test("string order is log order", () => {
    const texts = [99, 100, 5, 1001, 0].map(formatSeq);
    expect([...texts].sort()).toEqual([0, 5, 99, 100, 1001].map(formatSeq));
  });
});

describe("formatSeq over a run of positions", () => {
  test("each of a run that crosses thousands, and a jump back, is its own 16 digits", () => {
    const positions = [998, 999, 1000, 1001, 1999, 2000, 7, 123_456_789_012_345, 999_999];
    for (let n = 0; n < 3000; n++) positions.push(n);
    for (const n of positions) expect(formatSeq(n)).toBe(String(n).padStart(SEQ_WIDTH, "0"));
  });
});
