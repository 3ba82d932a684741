/**
 * Each user's DM partners ordered by the last message of their conversation (SPEC 5.2), so
 * that a page of `conversations` costs O(page), never a scan of every DM conversation. Kept
 * in step with the history: built from it on load, moved on each stored DM.
 */
import { dmUsers } from "../store/store.ts";
import type { StoredMessage } from "../store/store.ts";

/** A partner and the id of the last message of the conversation with them. */
export interface Partner {
  readonly user: string;
  lastId: string;
}

/** One user's partners, oldest conversation first (ascending last id); O(1) to find one. */
class PartnerList {
  readonly sorted: Partner[] = [];
  readonly #byUser = new Map<string, Partner>();

  // Binary search: the index of the first partner whose last id is `id` or later.
  firstAtOrAfter(id: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.lastId < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Move `user` to the place of a conversation whose last message is `id` (never back). */
  touch(user: string, id: string): void {
    const found = this.#byUser.get(user);
    if (found) {
      if (id <= found.lastId) return;
      const at = this.firstAtOrAfter(found.lastId);
      // Ids are unique, so the partner is at `at`; a new DM usually lands at the end.
      this.sorted.splice(at, 1);
      found.lastId = id;
      this.sorted.splice(this.firstAtOrAfter(id), 0, found);
      return;
    }
    const partner: Partner = { user, lastId: id };
    this.#byUser.set(user, partner);
    this.sorted.splice(this.firstAtOrAfter(id), 0, partner);
  }

  /** Add without keeping the order (loading); `sort` afterwards. */
  push(user: string, id: string): void {
    const partner: Partner = { user, lastId: id };
    this.#byUser.set(user, partner);
    this.sorted.push(partner);
  }

  sort(): void {
    this.sorted.sort((a, b) => (a.lastId < b.lastId ? -1 : a.lastId > b.lastId ? 1 : 0));
  }
}

/** The DM partners of every user, newest conversation first when paged. */
export class Conversations {
  #of = new Map<string, PartnerList>();

  /** The index of a snapshot's history: O(conversations), sorted once per user. */
  constructor(history: Record<string, StoredMessage[]> = {}) {
    for (const [key, list] of Object.entries(history)) {
      const users = dmUsers(key);
      const last = list[list.length - 1];
      if (!users || !last) continue;
      const [a, b] = users;
      this.#list(a).push(b, last.id);
      if (a !== b) this.#list(b).push(a, last.id);
    }
    for (const partners of this.#of.values()) partners.sort();
  }

  /** A DM `id` between `a` and `b` was stored: each moves to the front of the other's list. */
  touch(a: string, b: string, id: string): void {
    this.#list(a).touch(b, id);
    if (a !== b) this.#list(b).touch(a, id);
  }

  /**
   * The partners of `user` newest first, starting after `cursor` (a last id from a previous
   * page: the page holds conversations whose last message is older). Lazy: the caller takes
   * what fits its page.
   */
  *newestFirst(user: string, cursor?: string): Generator<Partner> {
    const partners = this.#of.get(user);
    if (!partners) return;
    const sorted = partners.sorted;
    let i = cursor === undefined ? sorted.length : partners.firstAtOrAfter(cursor);
    // A generator over a list that a DM may change between pages, never within one request.
    while (--i >= 0) yield sorted[i]!;
  }

  #list(user: string): PartnerList {
    let list = this.#of.get(user);
    if (!list) this.#of.set(user, (list = new PartnerList()));
    return list;
  }
}
