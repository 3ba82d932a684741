/**
 * What may be stored and printed: user and room names normalised, texts stripped of
 * anything a terminal would act on. Used by the server before storing and by the client
 * before printing. Imports nothing.
 */

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Normalise a user name: lower-case, validated; null when invalid. */
export function normalizeUserName(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  return NAME_RE.test(name) ? name : null;
}

/** Normalise a room name: a leading `#` dropped, lower-case, validated; null when invalid. */
export function normalizeRoomName(raw: string): string | null {
  const trimmed = raw.trim();
  return normalizeUserName(trimmed.startsWith("#") ? trimmed.slice(1) : trimmed);
}

// ESC-introduced sequences: CSI (with parameters), OSC/DCS/APC/PM/SOS strings up to their
// terminator, and two-byte escapes. The 8-bit C1 forms (0x9b CSI, 0x9d OSC, ...) likewise.
const ESCAPE_SEQUENCE_RE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x9d\x98\x9e\x9f][\s\S]*?(?:\x07|\x9c|\x1b\\|$)/g;
// Remaining C0/C1 controls except tab and newline, DEL, and bidi overrides/isolates.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

// Every character any of the replacements above starts at: CR, the C0 and C1 controls (ESC,
// CSI, OSC, ... among them), DEL and the bidi overrides/isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE_RE = /[\r\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Remove terminal control sequences and control characters except newline and tab.
 * Applied by the server to every stored text and by the client again before printing.
 */
export function sanitizeText(text: string): string {
  // Most texts hold none of what is removed: one scan says so, instead of three replacements.
  if (!UNSAFE_RE.test(text)) return text;
  return text.replace(/\r\n?/g, "\n").replace(ESCAPE_SEQUENCE_RE, "").replace(CONTROL_RE, "");
}
