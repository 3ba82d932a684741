/** Bounds on what one reply holds (SPEC 6: no reply reaches the slow-reader threshold). */

/** The most one reply holds; each is a server flag. */
export interface ReplyBounds {
  /** Rooms in one `rooms` page (its default and most). A request looks at 25 times as many. */
  roomsPage: number;
  /** Members in one `who` page, and people in `who` without a room (which looks at no more
   * than 20 times as many memberships). */
  whoPage: number;
  /** Pending requests in one `requests` reply, and sent to an admin on connect. */
  requestsPage: number;
  /** Bytes of one `history` frame, and of one `conversations` frame. */
  historyPageBytes: number;
  /** Conversations in one `conversations` page (its default and most). */
  conversationsPage: number;
}

/** The bounds when no flag sets them. */
export const DEFAULT_REPLY_BOUNDS: ReplyBounds = {
  roomsPage: 200,
  whoPage: 1000,
  requestsPage: 1000,
  historyPageBytes: 512 * 1024,
  conversationsPage: 200,
};
