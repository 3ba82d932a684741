/**
 * The `before`/`after` ids of a `history` request: a malformed one is refused (bad_request); a
 * well-formed one no longer kept makes the page start at the oldest kept message and say
 * `truncated`.
 */
import { ChatError } from "../../shared/errors.ts";
import type { History, PageOptions } from "./history.ts";

// Message ids are letters, digits and hyphens (UUIDs on a server, shorter ones in tests).
const ID_PATTERN = /^[0-9A-Za-z-]{1,64}$/;

/** Whether `id` has the shape of a message id (it may still name no message). */
export function isMessageId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Throw bad_request unless every id of `opts` is well-formed. */
export function checkPageIds(opts: PageOptions): void {
  for (const [name, id] of [
    ["before", opts.before],
    ["after", opts.after],
  ] as const) {
    if (id !== undefined && !ID_PATTERN.test(id)) {
      throw new ChatError("bad_request", `malformed '${name}': not a message id`);
    }
  }
}

/**
 * Whether an id of `opts` is older than every message `key` keeps: messages after it may have
 * left the kept history. Ids are time-ordered, so it is compared by value.
 */
export function isPastKept(history: History, key: string, opts: PageOptions): boolean {
  const { list, start } = history.kept(key);
  const oldest = list[start];
  if (oldest === undefined) return false;
  const isGone = (id: string | undefined) => id !== undefined && id < oldest.id;
  return isGone(opts.after) || isGone(opts.before);
}
