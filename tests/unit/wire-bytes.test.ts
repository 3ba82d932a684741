/** A `history` page is sized from its messages' fields: the count is the JSON's exact bytes. */
import { describe, expect, test } from "bun:test";
import { toChatMessage, toDirectMessage, wireBytes } from "../../server/domain/message-wire.ts";
import type { StoredMessage } from "../../server/store/store.ts";
import { Dice, mulberry32 } from "../fuzz/prng.ts";

// Characters JSON escapes two ways, multi-byte ones, a pair, lone surrogates and plain ones.
const CHARS = ["a", " ", '"', "\\", "\n", "\t", "\b", "\f", "\r", "\u0001", "\u001f", "\u007f"];
CHARS.push("\u00e9", "\u20ac", "\u2028", "\ud83d\ude00", "\ud800", "\udc00", "x");

function text(dice: Dice, most: number): string {
  let s = "";
  for (let n = dice.int(most + 1); n > 0; n--) s += dice.pick(CHARS);
  return s;
}

// A message of any shape a history can hold: room or DM, with or without seq, marks, clientId.
function message(dice: Dice): StoredMessage {
  const m: StoredMessage = { id: text(dice, 6), from: text(dice, 4), text: text(dice, 40), ts: "" };
  m.ts = text(dice, 4);
  if (dice.chance(0.5)) m.room = text(dice, 5);
  else m.to = text(dice, 5);
  if (dice.chance(0.3)) m.clientId = text(dice, 4);
  if (dice.chance(0.8)) m.seq = dice.int(2 ** 31);
  if (dice.chance(0.2)) m.action = true;
  if (dice.chance(0.2)) m.edited = text(dice, 4);
  if (m.edited !== undefined && dice.chance(0.5)) {
    m.deleted = true;
    m.text = "";
  }
  return m;
}

describe("the bytes of a message on the wire", () => {
  test("counted from its fields, they are those of its JSON, whatever its text holds", () => {
    const dice = new Dice(mulberry32(20261129));
    for (let i = 0; i < 20_000; i++) {
      const m = message(dice);
      const wire = m.room !== undefined ? toChatMessage(m) : toDirectMessage(m);
      expect(wireBytes(m)).toBe(Buffer.byteLength(JSON.stringify(wire)));
    }
  });

  test("every field the wire form can carry is one the count knows", () => {
    // A field added to the wire form must be counted too: this names the ones counted.
    const full: StoredMessage = { id: "m", from: "a", text: "", ts: "t", room: "r", seq: 1 };
    Object.assign(full, { clientId: "c", action: true, edited: "e", deleted: true });
    const counted = ["id", "room", "from", "text", "ts", "seq", "action", "edited", "deleted"];
    expect(Object.keys(toChatMessage(full))).toEqual(counted);
    const dm = { ...full, room: undefined, to: "b" };
    const inDm = ["id", "from", "to", "text", "ts", "seq", "action", "edited", "deleted"];
    expect(Object.keys(toDirectMessage(dm))).toEqual(inDm);
  });

  test("a plain room message and a DM", () => {
    const base = { id: "m1", from: "ann", text: "h\u00e9llo", ts: "2026-11-29T12:00:00.000Z" };
    const room: StoredMessage = { ...base, room: "lobby", seq: 42, clientId: "c1" };
    expect(wireBytes(room)).toBe(Buffer.byteLength(JSON.stringify(toChatMessage(room))));
    const dm: StoredMessage = { ...base, to: "bob", action: true };
    expect(wireBytes(dm)).toBe(Buffer.byteLength(JSON.stringify(toDirectMessage(dm))));
  });
});
