/**
 * Sender names in colour: a stable hash of the name picks one of 28 colours of the
 * 256-colour palette where the terminal has it, else one of 12 of the 16 basic colours;
 * none at all when colour is off (NO_COLOR, --no-color).
 */
import { type Colors, paint256 } from "../terminal-text.ts";

/** How many colours the terminal shows: 256, or the 16 basic ones. */
export type ColorDepth = 16 | 256;

// 28 colours readable on dark and on light backgrounds, far enough apart to tell apart.
const PALETTE_256 = [
  33, 39, 45, 75, 81, 69, 99, 105, 135, 141, 171, 177, 165, 201, 207, 205, 197, 203, 209, 208, 214,
  178, 142, 112, 76, 41, 43, 37,
] as const;

// The basic colours without black, white and grey, normal and bright.
const PALETTE_16 = [
  "red",
  "green",
  "yellow",
  "blue",
  "magenta",
  "cyan",
  "redBright",
  "greenBright",
  "yellowBright",
  "blueBright",
  "magentaBright",
  "cyanBright",
] as const;

/** 256 when the environment says the terminal has 256 colours or more, else 16. */
export function colorDepth(env: Record<string, string | undefined>): ColorDepth {
  const colorterm = (env.COLORTERM ?? "").toLowerCase();
  if (colorterm === "truecolor" || colorterm === "24bit") return 256;
  return /256(col)?|truecolor|direct/i.test(env.TERM ?? "") ? 256 : 16;
}

// FNV-1a: names that differ in one letter land far apart.
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The palette index a name gets at this depth (stable across runs and machines). */
export function nameColorIndex(name: string, depth: ColorDepth): number {
  const size = depth === 256 ? PALETTE_256.length : PALETTE_16.length;
  return hash(name) % size;
}

/** A user name, bold, in its colour. */
export function colorName(name: string, c: Colors, depth: ColorDepth = 16): string {
  const i = nameColorIndex(name, depth);
  if (depth === 256) return c.bold(paint256(c, PALETTE_256[i] ?? 33, name));
  return c.bold(c[PALETTE_16[i] ?? "cyan"](name));
}
