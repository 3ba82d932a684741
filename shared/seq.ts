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
  const digits = String(position);
  // One concatenation with a ready run of zeros: this runs for every message sent.
  return digits.length >= SEQ_WIDTH ? digits : ZEROS[SEQ_WIDTH - digits.length] + digits;
}

// ZEROS[n] is n zeros.
const ZEROS = Array.from({ length: SEQ_WIDTH + 1 }, (_, n) => "0".repeat(n));

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
