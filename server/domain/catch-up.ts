/**
 * Catching a connection up after `auth`/`login` with `since`: the session reply, then the
 * missed events in pages (each closed by `synced`, or inside it with `batch`) sent as the socket
 * drains, then live events.
 * The connection's subscriptions are held aside until the last page: that page is read from
 * the log and the subscriptions made in one synchronous step, and an event is kept in the log
 * and published in one step too, so each event reaches the connection exactly once.
 */
import { ChatError } from "../../shared/errors.ts";
import { formatSeq, parseSeq } from "../../shared/seq.ts";
import type { ChatState } from "./state.ts";
import { SYNC_PAGE, syncPage } from "./sync.ts";
import type { SyncPage } from "./sync.ts";
import type { ServerMessage } from "../../shared/protocol.ts";
import type { Deps } from "./deps.ts";
import type { Conn } from "./types.ts";

/**
 * A cursor from the wire as a position: bad_request when it is malformed, or ahead of the log
 * (from the future, or from another deployment).
 */
export function parseCursor(state: ChatState, text: string): number {
  const position = parseSeq(text);
  if (position === null) {
    throw new ChatError("bad_request", "malformed cursor: expected the 16 digits of a seq");
  }
  if (position > state.log.last) {
    throw new ChatError("bad_request", "unknown cursor: it is not from this server's log");
  }
  return position;
}

/**
 * Charge `frames` frames sent to `user` (a sync or catch-up page) to the user's requests;
 * returns the ms until the user may be sent more (0: now).
 */
export type FrameCharge = (user: string, frames: number) => number;

const FREE: FrameCharge = () => 0;

// Resolves in a later turn of the event loop, `ms` from now at the earliest.
function nextTurn(d: Deps, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ms > 0) d.clock.setTimer(resolve, ms);
    else setImmediate(resolve);
  });
}

/**
 * Set (not a field on the wire) on the `synced` reply to a `sync` asked with `batch`: the
 * page's frames, which go inside the reply's text.
 */
export const BATCH: unique symbol = Symbol("batched frames");

/** The `synced` frame; `[BATCH]`: see BATCH. */
export type SyncedMessage = Extract<ServerMessage, { type: "synced" }> & {
  [BATCH]?: readonly string[];
};

/** The `synced` frame closing a page. */
export function syncedMessage(page: SyncPage): SyncedMessage {
  const { more, truncated } = page;
  return { type: "synced", cursor: formatSeq(page.cursor), more, truncated };
}

/** How a catch-up is sent: its pages' bytes, and whether each page is one frame (`batch`). */
export interface CatchUpOptions {
  /** The bytes of a page at most (the first pages are smaller: see FIRST_PAGE_BYTES). */
  pageBytes: number;
  isBatched: boolean;
}

/**
 * The bytes of a catch-up's first page; each next page may be twice the one before, up to the
 * page bound. The first events reach the client sooner, and it reads one page while the next
 * is built; the later, larger pages cost fewer frames and turns.
 */
export const FIRST_PAGE_BYTES = 64 * 1024;

/**
 * Send `user` everything after `since` on `conn`, whose subscriptions are held, then release
 * them. Stops quietly when the connection closes or is logged out meanwhile.
 */
export async function catchUp(
  d: Deps,
  conn: Conn,
  user: string,
  since: number,
  opts: CatchUpOptions,
  charge: FrameCharge = FREE,
): Promise<void> {
  const { isBatched } = opts;
  let pageBytes = Math.min(FIRST_PAGE_BYTES, opts.pageBytes);
  let cursor = since;
  try {
    // A user who has spent their requests waits for one before the first page too.
    const owed = charge(user, 0);
    if (owed > 0) await nextTurn(d, owed);
    for (;;) {
      // One page at a time, each once the previous one has mostly left: the catch-up never
      // makes the reader look slow, however much it missed.
      await conn.whenDrained();
      if (conn.user !== user || !d.conns.isHeld(conn)) return;
      // As many events as the page's bytes allow: fewer, larger pages catch up sooner.
      const page = syncPage(d.state, user, cursor, SYNC_PAGE.max, pageBytes, (m) =>
        d.publisher.encode(m),
      );
      // Batched: one frame for the page, a fraction of the cost of one frame per event.
      if (isBatched) conn.sendText(d.publisher.encodeBatch(syncedMessage(page), page.frames));
      else {
        for (const frame of page.frames) conn.sendText(frame);
        conn.send(syncedMessage(page));
      }
      // Written before anything published after the release can overtake it.
      conn.flush();
      // Paid for like requests of the user, by the frames sent, so that however many
      // connections catch up at once, the user's pages go out no faster than the user's bucket.
      const wait = charge(user, page.frames.length);
      if (!page.more) return d.conns.release(conn);
      cursor = page.cursor;
      pageBytes = Math.min(pageBytes * 2, opts.pageBytes);
      // Each page is built in a turn of its own: other users' requests are served between
      // pages even when the reader takes every page at once.
      await nextTurn(d, wait);
    }
  } finally {
    // After a failure the connection is not left deaf: live events resume.
    if (conn.user === user) d.conns.release(conn);
  }
}
