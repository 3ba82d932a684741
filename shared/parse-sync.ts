/**
 * The parsers of the cursor fields of SPEC 5.1: `sync`, and `since` (with `batch`) on `login`
 * and `auth`.
 */
import { type Obj, optBool, optInt, optStr, str } from "./fields.ts";
import type { ClientMessage } from "./protocol.ts";

// A cursor is 16 digits; a longer string is kept as it came and refused by the server as a
// malformed cursor (bad_request), not as a malformed frame.
const CURSOR_FIELD_MAX = 64;

/** Events in one `sync` page, at most. */
export const SYNC_LIMIT_MAX = 5000;

/** Parse the body of a `sync` request. Throws ProtocolError. */
export function parseSync(d: Obj): ClientMessage {
  const msg: Extract<ClientMessage, { type: "sync" }> = {
    type: "sync",
    since: str(d, "since", CURSOR_FIELD_MAX),
  };
  const limit = optInt(d, "limit", 1, SYNC_LIMIT_MAX);
  if (limit !== undefined) msg.limit = limit;
  if (optBatch(d)) msg.batch = true;
  return msg;
}

/** The optional `since` of a `login` or `auth`. Throws ProtocolError when not a string. */
export function optSince(d: Obj): string | undefined {
  return optStr(d, "since", CURSOR_FIELD_MAX);
}

/**
 * The optional `batch` of a `sync`, `login` or `auth`: true when asked for. Throws
 * ProtocolError when present and not a boolean.
 */
export function optBatch(d: Obj): boolean {
  return optBool(d, "batch") === true;
}
