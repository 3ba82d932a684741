/** Frames broken below the fields: malformed JSON, non-objects, deep nesting, huge, bad bytes. */
import { type Entries, entriesToJson, nest } from "./hostile-values.ts";
import type { Dice } from "./prng.ts";
import { type FuzzContext, randomType, validFrame } from "./valid-frames.ts";

/** A valid frame broken as JSON: cut, padded, re-quoted, commented, or random bytes. */
export function malformed(d: Dice, ctx: FuzzContext): string {
  const valid = entriesToJson(validFrame(d, ctx, randomType(d)));
  switch (d.int(9)) {
    case 0:
      return valid.slice(0, d.int(valid.length));
    case 1:
      return valid + d.pick(["}", ",", " x", "\u0000", "{}"]);
    case 2:
      return valid.replaceAll('"', "'");
    case 3:
      return `\ufeff${valid}`;
    case 4:
      return valid.replace("{", "{/*c*/");
    case 5:
      return d.pick(["", " ", "\n", "{", "}", "{{}}", "{,}", '{"type"}', "undefined"]);
    case 6:
      return valid.replace(/:/, ":,");
    case 7: {
      let s = "";
      const n = 1 + d.int(200);
      for (let i = 0; i < n; i++) s += String.fromCharCode(d.int(0x80));
      return s;
    }
    default:
      return valid.replace(/"type"/, "type");
  }
}

/** JSON that is not an object. */
export function notObject(d: Dice): string {
  return d.pick([
    "null",
    "true",
    "0",
    "-1e999",
    '"send"',
    "[]",
    '[{"type":"ping"}]',
    '[["type","ping"]]',
    '""',
  ]);
}

/** Nesting deep enough to test a recursive parser. */
export function deep(d: Dice): string {
  const depth = d.pick([100, 1000, 5000, 20_000]);
  const nested = nest(d, depth);
  return d.chance(0.5) ? nested : `{"type":"send","room":"lobby","text":${nested}}`;
}

/** A frame at or past the size limits: long texts, long arrays, many keys. */
export function huge(d: Dice, ctx: FuzzContext): string {
  switch (d.int(4)) {
    case 0: {
      const n = d.pick([10_000, 60_000, 70_000]);
      return entriesToJson([
        ["type", "send"],
        ["room", d.pick(ctx.rooms)],
        ["text", "y".repeat(n)],
      ]);
    }
    case 1: {
      const items = new Array(d.pick([1000, 10_000])).fill(0).join(",");
      return `{"type":"join","room":[${items}]}`;
    }
    case 2: {
      const keys: Entries = [["type", "ping"]];
      const n = d.pick([500, 3000]);
      for (let i = 0; i < n; i++) keys.push([`k${i}`, i]);
      return entriesToJson(keys);
    }
    default:
      return entriesToJson([
        ["type", "create"],
        ["room", "r"],
        ["topic", "t".repeat(d.pick([801, 5000, 100_000]))],
      ]);
  }
}

/** The bytes of a binary frame: valid JSON, invalid UTF-8 or random bytes. */
export function binary(d: Dice, ctx: FuzzContext): Uint8Array {
  const choice = d.int(4);
  let data: Uint8Array;
  if (choice === 0) {
    data = new TextEncoder().encode(entriesToJson(validFrame(d, ctx, randomType(d))));
  } else if (choice === 1) {
    // Invalid UTF-8: lone continuation bytes, overlong encodings, a truncated sequence.
    data = new Uint8Array([0x7b, 0x22, 0x74, 0xc0, 0xaf, 0xff, 0xfe, 0x80, 0xe2, 0x82]);
  } else {
    data = new Uint8Array(1 + d.int(choice === 2 ? 64 : 4096));
    for (let i = 0; i < data.length; i++) data[i] = d.int(256);
  }
  return data;
}

/** Frames whose strings hold lone surrogates and NULs as JSON escapes. */
export function surrogates(d: Dice, ctx: FuzzContext): string {
  const type = d.pick(["send", "join", "dm", "ping"]);
  const bad = d.pick(["\\ud800", "\\udfff", "\\ud83d", "\\ud83d\\u0041", "\\u0000"]);
  switch (type) {
    case "send":
      return `{"type":"send","room":"${d.pick(ctx.rooms)}","text":"a${bad}b"}`;
    case "join":
      return `{"type":"join","room":"lob${bad}by"}`;
    case "dm":
      return `{"type":"dm","to":"${bad}","text":"${bad}"}`;
    default:
      return `{"type":"ping","id":"${bad}"}`;
  }
}
