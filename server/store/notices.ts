/**
 * A user's queue of notices (DMs and join decisions kept for their next live connection), as
 * plain functions on a list so that the domain's live state and the store's copy change alike.
 * A list stays sorted by `seq`; its entries are never changed in place, only added and removed.
 */
import { ownOrNew } from "./own.ts";
import type { Notice, QueuedNotice } from "./store.ts";

/**
 * Queue `notice` as number `seq`, in place. A join decision replaces an earlier one for the same
 * room (only the latest answer matters); each kind keeps at most `limit` notices, the oldest
 * dropped (a dropped DM stays in history). A `seq` the list holds already is a repeat: ignored.
 */
export function addNotice(list: QueuedNotice[], seq: number, notice: Notice, limit: number): void {
  if (list.some((q) => q.seq === seq)) return;
  if (notice.type === "join_decision") {
    const i = list.findIndex(
      (q) => q.notice.type === "join_decision" && q.notice.room === notice.room,
    );
    if (i >= 0) list.splice(i, 1);
  }
  list.push({ seq, notice });
  capNotices(list, limit);
}

/** Drop the oldest notices of each kind past `limit`, in place. */
export function capNotices(list: QueuedNotice[], limit: number): void {
  const counts = new Map<string, number>();
  for (const q of list) counts.set(q.notice.type, (counts.get(q.notice.type) ?? 0) + 1);
  for (let i = 0; i < list.length;) {
    const type = list[i]!.notice.type;
    const count = counts.get(type)!;
    if (count > limit) {
      list.splice(i, 1);
      counts.set(type, count - 1);
    } else i++;
  }
}

/** Drop the notices numbered `upTo` or lower, in place. */
export function clearNotices(list: QueuedNotice[], upTo: number): void {
  let n = 0;
  while (n < list.length && list[n]!.seq <= upTo) n++;
  list.splice(0, n);
}

/** The queue of `user` in `all`, created when missing (an own property, whatever the name). */
export function queueOf(all: Record<string, QueuedNotice[]>, user: string): QueuedNotice[] {
  return ownOrNew(all, user, (): QueuedNotice[] => []);
}

/** A queue made from a notice list stored by an older version (numbered from 1). */
export function legacyQueue(notices: readonly Notice[], limit: number): QueuedNotice[] {
  const list: QueuedNotice[] = [];
  notices.forEach((notice, i) => addNotice(list, i + 1, notice, limit));
  return list;
}
