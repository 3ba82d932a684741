/**
 * The `conversations` listing (SPEC 5.2): the caller's DM partners, newest conversation first,
 * each with its last message and the caller's unread and mention counts. A page costs
 * O(page x kept messages after the marker) through the per-user index, and its frame is
 * bounded in bytes like a `history` page.
 */
import type { ConversationInfo } from "../../shared/protocol.ts";
import { dmKey } from "../store/store.ts";
import { toDirectMessage } from "./message-wire.ts";
import { mentionTest } from "./read-markers.ts";
import type { Reads } from "./reads.ts";
import type { ChatState } from "./state.ts";

/** What `conversations` asks for: at most `limit`, older than the last id `cursor`. */
export interface ConversationsPage {
  limit?: number;
  cursor?: string;
}

/** One page of `conversations`: `next` is present when there may be more (pass it as `cursor`). */
export interface ConversationsReply {
  conversations: ConversationInfo[];
  next?: string;
}

// Bytes kept for the frame's envelope (type, `next`, `replyTo`).
const ENVELOPE_BYTES = 1024;

/**
 * The page of `user`'s conversations after `cursor`: at most `pageMax` (or `limit`) of them,
 * and at most `pageBytes` as JSON (at least one). Only the user's own conversations are looked
 * at: nothing of anyone else's can appear.
 */
export function listConversations(
  state: ChatState,
  reads: Reads,
  user: string,
  page: ConversationsPage,
  bounds: { pageMax: number; pageBytes: number },
): ConversationsReply {
  const limit = Math.min(page.limit ?? bounds.pageMax, bounds.pageMax);
  const mentions = mentionTest(user);
  const out: ConversationInfo[] = [];
  let bytes = ENVELOPE_BYTES;
  let lastId = "";
  for (const partner of state.conversations.newestFirst(user, page.cursor)) {
    if (out.length === limit) return { conversations: out, next: lastId };
    const key = dmKey(user, partner.user);
    const { list } = state.history.kept(key);
    const last = list[list.length - 1];
    if (!last) continue; // every indexed conversation has a message; nothing to list otherwise
    const info: ConversationInfo = {
      user: partner.user,
      last: toDirectMessage(last),
      ...reads.counts(user, key, mentions),
    };
    bytes += Buffer.byteLength(JSON.stringify(info)) + 1;
    if (out.length > 0 && bytes > bounds.pageBytes) return { conversations: out, next: lastId };
    out.push(info);
    lastId = partner.lastId;
  }
  return { conversations: out };
}
