/** Sending room messages and DMs, and reading their history (SPEC 2.3). */
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import { dmKey, roomKey, storedMessage } from "../store/store.ts";
import type { StoredMessage, StoreOp } from "../store/store.ts";
import { userName } from "./accounts.ts";
import { ChatError } from "../../shared/errors.ts";
import type { PageOptions } from "./history.ts";
import { checkPageIds, isPastKept } from "./history-ids.ts";
import { cleanText, sentAck, toChatMessage, toDirectMessage, wireBytes } from "./message-wire.ts";
import type { SentAck } from "./message-wire.ts";
import { memberRoom, seeRoom } from "./room-access.ts";
import type { KeyedQueue } from "./serial.ts";
import type { Deps } from "./deps.ts";
import type { WindowQuota } from "./window-quota.ts";
import { Unconfirmed } from "./change-log.ts";

// Bytes kept for a `history` frame's envelope (type, names, `more`, `replyTo`): the messages
// take the rest of the page's bytes.
const HISTORY_ENVELOPE_BYTES = 1024;

// The bytes a message takes in a reply's message list: its UTF-8 JSON and a comma, counted
// from its fields (the page is then built once, not also encoded to be measured).
function listBytes(m: StoredMessage): number {
  return wireBytes(m) + 1;
}

/** Room messages, DMs and history (SPEC 2.3). */
export class Messages {
  #d: Deps;
  // Sends whose store commit is in flight, by client key, so a quick resend waits for them.
  #inFlight = new Map<string, Promise<StoredMessage>>();
  #queue: KeyedQueue;
  #lastNow = Number.NaN;
  #pageBytes: number;
  #lastTs = "";
  // Conversations each user started today: each keeps up to --history-limit DMs on disk.
  #started: WindowQuota;

  /**
   * Messages over the shared state; a `history` frame
   * holds at most `historyPageBytes`; a user starts at most `maxNewConversations` DM
   * conversations a day (0: no quota).
   */
  constructor(
    deps: Deps,
    queue: KeyedQueue,
    historyPageBytes = 512 * 1024,
    maxNewConversations = 0,
  ) {
    this.#started = deps.limits.daily("conversations-started", maxNewConversations);
    this.#d = deps;
    this.#queue = queue;
    this.#pageBytes = historyPageBytes - HISTORY_ENVELOPE_BYTES;
  }

  /**
   * Store a room message, then publish it to the room; resolves with the acknowledgement.
   * A refused send (not a member, bad text, rate limit) throws at once, before anything waits.
   */
  send(
    user: string,
    rawRoom: string,
    text: string,
    clientId?: string,
    isAction = false,
  ): Promise<SentAck> {
    const room = memberRoom(this.#d.state, rawRoom, user);
    const clean = cleanText(text);
    const name = room.name;
    const draft: Draft = { key: roomKey(name), from: user, text: clean, clientId, room: name };
    if (isAction) draft.isAction = true;
    // The acknowledgement reuses the frame the message was published as.
    return this.#store(draft, sentAck);
  }

  /**
   * Store a DM, then publish it to both users. A recipient with no connection gets it through
   * the log (`since`, `sync`): there is no second queue.
   */
  async dm(
    user: string,
    rawTo: string,
    text: string,
    clientId?: string,
    isAction = false,
  ): Promise<DirectMessage> {
    const to = userName(rawTo);
    if (!this.#d.state.users.has(to)) throw new ChatError("not_found", `no such user '${to}'`);
    const draft: Draft = { key: dmKey(user, to), from: user, text: cleanText(text), clientId, to };
    if (isAction) draft.isAction = true;
    // Starting a conversation is counted (refused past the day's quota); a reply never is.
    const isStart = this.#d.state.history.kept(draft.key).list.length === 0;
    if (isStart) {
      this.#started.check(user, "too many new conversations today (replies are not limited)");
      this.#started.add(user);
    }
    try {
      return await this.#dm(draft, user, to);
    } catch (err) {
      // Refused (the message rate limit) or not stored: no conversation was started.
      if (isStart) this.#started.release(user);
      throw err;
    }
  }

  #dm(draft: Draft, user: string, to: string): Promise<DirectMessage> {
    // Published to both users and kept for their catch-ups as it is applied.
    return this.#store(draft, (message) => toDirectMessage(message));
  }

  /**
   * A room's history (members only) or the DM conversation with another user: one page, its
   * frame at most `historyPageBytes`; `more` says whether the range goes on past it.
   */
  history(user: string, target: { room?: string; user?: string }, opts: PageOptions): HistoryPage {
    const history = this.#d.state.history;
    checkPageIds(opts);
    if (target.user !== undefined) {
      // A name with no account answers as an account with no DMs does (an empty page): the
      // answer does not tell which names exist.
      const other = userName(target.user);
      const key = dmKey(user, other);
      const page = history.boundedPage(key, opts, this.#pageBytes, listBytes);
      const messages = page.messages.map(toDirectMessage);
      return withGap({ user: other, messages, more: page.more }, isPastKept(history, key, opts));
    }
    const room = seeRoom(this.#d.state, target.room ?? "", user);
    if (!room.members.has(user)) {
      throw new ChatError("forbidden", `you are not a member of '${room.name}'; join it first`);
    }
    const key = roomKey(room.name);
    const page = history.boundedPage(key, opts, this.#pageBytes, listBytes);
    const messages = page.messages.map(toChatMessage);
    return withGap({ room: room.name, messages, more: page.more }, isPastKept(history, key, opts));
  }

  // Appended to the log: a message exists (kept, published) only once it is durable. `done`
  // runs once it is applied, with the frame it was published as (or found stored already,
  // with none); its result is what the promise resolves with. A refusal (rate limit) throws
  // at once.
  #store<T>(draft: Draft, done: (m: StoredMessage, frame?: string) => T): Promise<T> {
    const { key, from, clientId } = draft;
    const ck = clientId === undefined ? null : clientKey(key, from, clientId);
    if (ck !== null) {
      const seen = this.#d.state.history.findByClientId(key, from, clientId!);
      if (seen) return Promise.resolve(done(seen));
      const pending = this.#inFlight.get(ck);
      if (pending) return pending.then((m) => done(m));
    }
    this.#d.limits.message(from);
    // Its seq is given as it is appended.
    const { text, room, to, isAction: action } = draft;
    const id = this.#d.crypto.newId();
    const ts = this.#timestamp();
    const message = storedMessage({ id, from, text, ts, room, to, clientId, seq: 0, action });
    const ops: StoreOp[] = [{ op: "msg", key, message }];
    const result = this.#d.changes.append(ops).then(
      (frames) => {
        if (ck !== null) this.#inFlight.delete(ck);
        return done(message, frames[0]);
      },
      (err: unknown) => {
        if (ck !== null) this.#inFlight.delete(ck);
        // Refused when its turn in the log came (the sender was removed meanwhile): said so.
        // One Redis may hold without confirming: said so, a resend with its clientId is safe.
        if (err instanceof ChatError && (err.code !== "internal" || err instanceof Unconfirmed)) {
          throw err;
        }
        throw new ChatError("internal", "the message could not be stored; it was not sent");
      },
    );
    if (ck !== null) {
      const stored = result.then(() => message);
      stored.catch(() => {}); // the sender sees the failure through `result`
      this.#inFlight.set(ck, stored);
    }
    return result;
  }

  // The clock's time as ISO 8601, made once per millisecond (a busy room sends many in one).
  #timestamp(): string {
    const now = this.#d.clock.now();
    if (now !== this.#lastNow) {
      this.#lastNow = now;
      this.#lastTs = new Date(now).toISOString();
    }
    return this.#lastTs;
  }
}

/** One page of `history`; `truncated` when a cursor id is older than everything kept. */
export interface HistoryPage {
  room?: string;
  user?: string;
  messages: (ChatMessage | DirectMessage)[];
  more: boolean;
  truncated?: true;
}

function withGap(page: HistoryPage, isTruncated: boolean): HistoryPage {
  if (isTruncated) page.truncated = true;
  return page;
}

/** A message about to be stored. */
interface Draft {
  key: string;
  from: string;
  text: string;
  clientId: string | undefined;
  room?: string;
  to?: string;
  isAction?: true;
}

function clientKey(key: string, from: string, clientId: string): string {
  return `${key}\u0000${from}\u0000${clientId}`;
}
