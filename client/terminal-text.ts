/**
 * The one funnel between the client and a terminal: every line written to stdout, stderr,
 * the chat line or a dialog passes through `toTerminal` (or `jsonLine` for `--json`).
 *
 * Text from the network is never trusted, wherever it was put together: the funnel strips
 * every control sequence and character a terminal would act on. The client's own colours
 * survive it because they are not escape codes until then: colour functions emit markers
 * carrying a random key made at start-up, which a server cannot know, and only the funnel
 * turns a marker with that key into the real SGR code.
 */
import { sanitizeText } from "../shared/protocol.ts";

// Private-use characters: nothing a terminal acts on, whoever sends them.
const OPEN = "\ue000";
const CLOSE = "\ue001";
const KEY = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
  String.fromCharCode(0xe100 + b),
).join("");
// An SGR code, or a 256-colour foreground (38;5;n).
const MARKER_RE = new RegExp(`${OPEN}${KEY}(\\d{1,3}(?:;5;\\d{1,3})?)${CLOSE}`, "g");

/** The client's own SGR code `n`, as it travels until the funnel writes it. */
function mark(n: number | string): string {
  return `${OPEN}${KEY}${n}${CLOSE}`;
}

/** `input` in colour `n` of the 256-colour palette (plain when colour is off). */
export function paint256(colors: Colors, n: number, input: unknown): string {
  const text = String(input ?? "");
  if (!colors.isColorSupported) return text;
  const code = Math.max(0, Math.min(255, Math.trunc(n)));
  return `${mark(`38;5;${code}`)}${text}${mark(39)}`;
}

/** Text made inert for a terminal, with the client's own colour markers made real. */
export function toTerminal(text: string): string {
  const inert = sanitizeText(text);
  return inert.includes(OPEN) ? inert.replace(MARKER_RE, "\x1b[$1m") : inert;
}

// Line breaks in a server's frame: in anything but a message's text (which the renderers
// indent under its first line) they would let a name or an error text print lines of its own.
const LINE_BREAK_RE = /[\r\n\u2028\u2029]+/g;

/** `text` from the network on one line: each run of line breaks becomes a space. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAK_RE, " ");
}

/**
 * A parsed server frame with every line break outside `text` fields made a space, in place:
 * a user, room or id from a hostile server cannot fake a line of `chat`'s output. Walked
 * without recursion, so a deeply nested frame cannot exhaust the stack.
 */
export function oneLineFields<T>(frame: T): T {
  const stack: unknown[] = [frame];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (typeof value === "string") {
        if (key !== "text") obj[key] = oneLine(value);
      } else if (typeof value === "object" && value !== null) {
        stack.push(value);
      }
    }
  }
  return frame;
}

// JSON.stringify escapes C0 controls but leaves DEL, C1 controls (0x9b is an 8-bit CSI), the
// line and paragraph separators and bidi overrides as they are; they can only occur inside
// strings, where a \u escape is the same JSON value.
const JSON_UNSAFE_RE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One JSON line that a terminal displays as it is: the same value as JSON.stringify's. */
export function jsonLine(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(
    JSON_UNSAFE_RE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// [open, close] SGR codes (the set and the names of picocolors).
const STYLES = {
  reset: [0, 0],
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  inverse: [7, 27],
  hidden: [8, 28],
  strikethrough: [9, 29],
  black: [30, 39],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  white: [37, 39],
  gray: [90, 39],
  bgBlack: [40, 49],
  bgRed: [41, 49],
  bgGreen: [42, 49],
  bgYellow: [43, 49],
  bgBlue: [44, 49],
  bgMagenta: [45, 49],
  bgCyan: [46, 49],
  bgWhite: [47, 49],
  blackBright: [90, 39],
  redBright: [91, 39],
  greenBright: [92, 39],
  yellowBright: [93, 39],
  blueBright: [94, 39],
  magentaBright: [95, 39],
  cyanBright: [96, 39],
  whiteBright: [97, 39],
  bgBlackBright: [100, 49],
  bgRedBright: [101, 49],
  bgGreenBright: [102, 49],
  bgYellowBright: [103, 49],
  bgBlueBright: [104, 49],
  bgMagentaBright: [105, 49],
  bgCyanBright: [106, 49],
  bgWhiteBright: [107, 49],
} as const;

// Nested styles: an inner close is followed by the outer open again (bold and dim share
// their close code, so the outer one is re-opened after it).
function style(open: number, close: number): (input: unknown) => string {
  const [start, end] = [mark(open), mark(close)];
  const again = close === 22 ? end + start : start;
  return (input) => `${start}${String(input ?? "").replaceAll(end, again)}${end}`;
}

/** Colour functions (all identity functions when colour is off). */
export type Colors = { isColorSupported: boolean } & {
  [name in keyof typeof STYLES]: (input: unknown) => string;
};

const MARKED = Object.fromEntries([
  ["isColorSupported", true],
  ...Object.entries(STYLES).map(([name, [open, close]]) => [name, style(open, close)]),
]) as Colors;

const PLAIN = Object.fromEntries([
  ["isColorSupported", false],
  ...Object.keys(STYLES).map((name) => [name, (input: unknown) => String(input ?? "")]),
]) as Colors;

/** Colour functions, on or off. Their codes become real only in `toTerminal`. */
export function makeColors(enabled: boolean): Colors {
  return enabled ? MARKED : PLAIN;
}
