/** The client's check of a `synced` frame, batched or not: what the rest of the client reads. */
import { describe, expect, test } from "bun:test";
import { checkServerMessage, parseServerMessage, ProtocolError } from "../../shared/parse.ts";

const GOOD = {
  type: "synced",
  cursor: "0000000000000042",
  more: false,
  truncated: [{ room: "lobby", dropped: 3 }],
};

describe("a synced frame from the server", () => {
  test("a well-formed one, batched or not, is taken as it is", () => {
    expect(parseServerMessage(JSON.stringify(GOOD))).toEqual(GOOD);
    const batched = { ...GOOD, events: [{ type: "message" }] };
    expect(checkServerMessage(batched)).toEqual(batched);
  });

  test("a cursor, more, truncated or events of the wrong shape is refused", () => {
    for (const bad of [
      { ...GOOD, cursor: 42 },
      { ...GOOD, more: "no" },
      { ...GOOD, truncated: [null] },
      { ...GOOD, truncated: ["lobby"] },
      { ...GOOD, truncated: undefined },
      { ...GOOD, events: { type: "message" } },
    ]) {
      expect(() => checkServerMessage(bad)).toThrow(ProtocolError);
    }
  });
});
