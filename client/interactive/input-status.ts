/**
 * The row under the input while it is long: how many lines a paste holds and how many
 * characters the message has against the server's limit, in red once over it.
 */
import { LIMITS } from "../../shared/protocol.ts";
import type { Colors } from "../render.ts";

/** The count shows from this share of the limit on. */
const COUNT_FROM = 0.9;

/**
 * The message a submitted line sends: plain text (a leading `//` is one `/`), or the text
 * of `/dm user text`, `/msg user text` or `/send room text`; null for other commands.
 * Blank lines a paste starts or ends with are not part of it.
 */
export function messageText(line: string): string | null {
  const trimmed = line.replace(/^\n+/, "").trimEnd();
  if (trimmed.startsWith("//")) return trimmed.slice(1);
  if (!trimmed.startsWith("/")) return trimmed;
  const m = /^\/(?:dm|msg|send)\s+\S+\s?([\s\S]*)$/i.exec(trimmed);
  return m ? (m[1] ?? "") : null;
}

/** The status row for the input `line`, or null while there is nothing to say. */
export function inputStatus(line: string, c: Colors): string | null {
  const text = messageText(line) ?? line;
  const lines = text.split("\n").length;
  const max = LIMITS.textMax;
  if (lines <= 1 && text.length < max * COUNT_FROM) return null;
  const parts = lines > 1 ? [`${lines} lines`] : [];
  const count = `${text.length}/${max}`;
  if (text.length > max) {
    parts.push(c.red(`${count}: ${text.length - max} over, shorten it to send`));
  } else parts.push(count);
  return c.dim(parts.join(" · "));
}
