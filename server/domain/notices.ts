/**
 * Notices kept for a user who has no live connection: each is stored as one small `notice` op
 * (never the whole queue), and delivery stores one `notice_clear` op.
 */
import { addNotice, nextSeq } from "../store/notices.ts";
import type { Notice, StoreOp } from "../store/store.ts";
import type { ChatState } from "./state.ts";

/**
 * The op queueing `notice` for `user`, and what applies it to the live state once stored. Call
 * both under the user's lock: the number given now must still be the next one when applied.
 */
export function queueNotice(
  state: ChatState,
  user: string,
  notice: Notice,
): { op: StoreOp; apply: () => void } {
  const seq = nextSeq(state.notices.get(user) ?? []);
  return {
    op: { op: "notice", user, seq, notice },
    apply: () => {
      const list = state.notices.get(user) ?? [];
      addNotice(list, seq, notice, state.history.limit);
      state.notices.set(user, list);
    },
  };
}

/**
 * Whether a queued notice no longer says anything true: a join decision for a room that is
 * gone or shut down, an approval of someone no longer a member (kicked or left since), or a
 * denial of someone who is now a member or asking again.
 */
export function isStale(state: ChatState, user: string, notice: Notice): boolean {
  if (notice.type !== "join_decision") return false;
  const room = state.rooms.get(notice.room);
  if (!room || room.shutDown) return true;
  if (notice.approved) return !room.members.has(user);
  return room.members.has(user) || room.pending.has(user);
}
