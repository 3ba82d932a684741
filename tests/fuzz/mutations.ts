/** Valid client frames made hostile field by field: values replaced, fields dropped or added. */
import type { ClientMessageType } from "../../shared/protocol.ts";
import { CONTROL_STRINGS, type Entries, hostileValue, Raw } from "./hostile-values.ts";
import type { Dice } from "./prng.ts";
import { SHAPES } from "./shapes.ts";
import { type FuzzContext, randomType, validFrame } from "./valid-frames.ts";

/** A valid frame with one field removed or replaced by a hostile value. */
export function mutateOne(d: Dice, ctx: FuzzContext): Entries {
  const entries = validFrame(d, ctx, randomType(d));
  // Every field of the type, present or not, may be the one mutated.
  const type = entries[0]![1] as ClientMessageType;
  const keys = ["id", ...Object.keys(SHAPES[type].required), ...Object.keys(SHAPES[type].optional)];
  const key = d.pick(keys);
  const at = entries.findIndex(([k]) => k === key);
  if (at >= 0 && d.chance(0.25)) {
    entries.splice(at, 1);
  } else if (at >= 0) {
    entries[at] = [key, hostileValue(d)];
  } else {
    entries.push([key, hostileValue(d)]);
  }
  return entries;
}

/** A valid frame with several fields replaced by hostile values, its keys sometimes repeated. */
export function mutateMany(d: Dice, ctx: FuzzContext): Entries {
  const entries = validFrame(d, ctx, randomType(d));
  const n = 2 + d.int(4);
  for (let i = 0; i < n; i++) {
    const at = 1 + d.int(Math.max(1, entries.length - 1));
    if (at < entries.length) entries[at] = [entries[at]![0], hostileValue(d)];
  }
  if (d.chance(0.3)) entries.push(...entries.slice(1)); // duplicate keys
  return entries;
}

/** A valid frame plus unknown keys, prototype-polluting keys and duplicates. */
export function extraFields(d: Dice, ctx: FuzzContext): Entries {
  const entries = validFrame(d, ctx, randomType(d));
  const extra = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toJSON", "then", "x"];
  const n = 1 + d.int(3);
  for (let i = 0; i < n; i++) {
    const key = d.pick(extra);
    const value = d.chance(0.6)
      ? new Raw(
          d.pick([
            '{"isAdmin":true,"room":"lobby","polluted":1}',
            '{"prototype":{"polluted":1}}',
            '{"type":"shutdown"}',
            "null",
          ]),
        )
      : hostileValue(d);
    if (d.chance(0.5)) entries.splice(1, 0, [key, value]);
    else entries.push([key, value]);
  }
  if (d.chance(0.2)) entries.push(["type", d.pick(["shutdown", "register", 1])]);
  return entries;
}

/** The `type` itself wrong. */
export function badType(d: Dice, ctx: FuzzContext): Entries {
  const entries = validFrame(d, ctx, randomType(d));
  const type = d.pick([
    "SEND",
    " send",
    "send ",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "",
    "message",
    "welcome",
    "error",
    "session",
    "x".repeat(10_000),
  ] as unknown[]);
  const value = d.chance(0.8) ? type : hostileValue(d);
  if (d.chance(0.15)) entries.shift();
  else entries[0] = ["type", value];
  return entries;
}

/** Valid-shaped frames whose names and texts carry control, bidi and escape sequences. */
export function controlChars(d: Dice, ctx: FuzzContext): Entries {
  const type = d.pick(["send", "dm", "create", "edit", "join", "register", "who"] as const);
  const entries = validFrame(d, ctx, type);
  for (let i = 1; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    if (typeof value === "string" && key !== "type") {
      entries[i] = [key, value + d.pick(CONTROL_STRINGS) + d.pick(CONTROL_STRINGS)];
    }
  }
  return entries;
}
