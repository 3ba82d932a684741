/**
 * Log positions on the wire (`seq`, `cursor`, `since`): a position in the deployment's one
 * ordered log of changes, sent as a 16-digit zero-padded decimal string so that string order
 * is log order. Position 0 is the start of the log (before any event).
 */

/** Digits of a position on the wire. */
export const SEQ_WIDTH = 16;

/** The greatest position (2^53 - 1 fits in 16 digits). */
const SEQ_MAX = Number.MAX_SAFE_INTEGER;

const SEQ_PATTERN = /^[0-9]{16}$/;

/** A position as sent on the wire. */
export function formatSeq(position: number): string {
  // This runs for every message sent, and positions come in order: the first 13 digits are
  // made once per thousand positions, the last three are taken ready-made.
  const block = Math.floor(position / 1000);
  if (block !== lastBlock) {
    lastBlock = block;
    lastPrefix = String(block).padStart(SEQ_WIDTH - 3, "0");
  }
  return lastPrefix + LAST_DIGITS[position - block * 1000];
}

// The thousand positions' last three digits, "000" to "999".
const LAST_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"));
let lastBlock = 0;
let lastPrefix = "0".repeat(SEQ_WIDTH - 3);

/** A wire position as a number, or null when it is not exactly 16 decimal digits in range. */
export function parseSeq(text: unknown): number | null {
  if (typeof text !== "string" || !SEQ_PATTERN.test(text)) return null;
  const n = Number(text);
  return n <= SEQ_MAX ? n : null;
}

/** Whether `text` is a well-formed wire position. */
export function isSeq(text: unknown): text is string {
  return parseSeq(text) !== null;
}
