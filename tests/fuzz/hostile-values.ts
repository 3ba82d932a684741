/**
 * Hostile values, and frames built as JSON text by hand (not with JSON.stringify of an object)
 * so that duplicate keys, own `__proto__` keys and numbers JSON cannot hold reach the server
 * as written.
 */
import type { Dice } from "./prng.ts";

/** JSON text inserted as it is. */
export class Raw {
  constructor(readonly text: string) {}
}

/** A JSON object as its key-value pairs, in order, keys possibly repeated. */
export type Entries = [string, unknown][];

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  return JSON.stringify(value) ?? "null";
}

/** The JSON text of an object given as entries. */
export function entriesToJson(entries: Entries): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
}

// ---------------------------------------------------------------------------
// Hostile values

/** Terminal escapes, control and bidi characters. */
export const CONTROL_STRINGS = [
  "\x1b[2J\x1b[H",
  "\x1b]52;c;cHduZWQ=\x07",
  "\x1b]0;owned\x1b\\",
  "\x07\x07\x07",
  "abc\b\b\bxyz",
  "\x9b31m8bit\x9b0m",
  "\u202eevil\u202c",
  "\u2066iso\u2069",
  "\x00nul\x00",
  "\r\n\r\n",
  "\t\v\f",
  "\x7f\x85\x9c",
];

/** Names that are paths, prototype keys, near-duplicates, or at and past the limits. */
const NAME_STRINGS = [
  "../x",
  "..",
  "/etc/passwd",
  "..\\..\\x",
  "%2e%2e%2fx",
  "a/b",
  "con",
  "nul",
  "constructor",
  "__proto__",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "#",
  "##lobby",
  " #Lobby",
  "LOBBY ",
  "#Attic",
  "\tlobby",
  "#constructor",
  " ",
  "",
  "-x",
  "_x",
  "A".repeat(32),
  "a".repeat(33),
  "a".repeat(64),
  "a".repeat(65),
  "é",
  "ﬀ",
  "K", // Kelvin sign lower-cases to "k"
  "İ",
  "\u0000",
  "a\u200bb",
  "x\ny",
];

/** Numbers at the edges of JSON and of integers. */
const SPECIAL_NUMBERS = [
  new Raw("-0"),
  new Raw("1e309"),
  new Raw("-1e309"),
  new Raw("1.5"),
  new Raw("0"),
  new Raw("-1"),
  new Raw("10001"),
  new Raw("9007199254740993"),
  new Raw("1e-400"),
  new Raw("0x10"),
  new Raw("NaN"),
  new Raw("Infinity"),
];

/** A hostile value of any JSON type. */
export function hostileValue(d: Dice): unknown {
  switch (d.int(14)) {
    case 0:
      return null;
    case 1:
      return d.pick([true, false]);
    case 2:
      return d.pick(SPECIAL_NUMBERS);
    case 3:
      return d.pick([[], [1, 2], ["lobby"], [null]]);
    case 4:
      return new Raw(d.pick(["{}", '{"__proto__":{"x":1}}', '{"toString":1}']));
    case 5:
      return d.pick(NAME_STRINGS);
    case 6:
      return d.pick(CONTROL_STRINGS);
    case 7:
      return "x".repeat(d.pick([4000, 4001, 16_000, 16_001, 30_000]));
    case 8:
      return " ".repeat(d.pick([1, 10, 5000]));
    case 9:
      return d.pick(["true", "false", "1", "0", "null", "undefined"]);
    case 10:
      return new Raw(`"${"\\ud800".repeat(1 + d.int(4))}"`);
    case 11:
      return "😀".repeat(d.pick([1, 2001, 8001]));
    case 12:
      return new Raw(nest(d, 1 + d.int(200)));
    default:
      return d.pick(["", "a", "interactive ", "LISTEN", "lobby\u0000"]);
  }
}

/** Brackets or objects nested `depth` deep. */
export function nest(d: Dice, depth: number): string {
  return d.chance(0.5)
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}
