import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import { dmKey, roomKey } from "../store/store.ts";
import type { StoredMessage } from "../store/store.ts";
import { userName } from "./accounts.ts";
import { ChatError } from "./errors.ts";
import type { PageOptions } from "./history.ts";
import { memberRoom, seeRoom } from "./room-access.ts";
import { copyUser } from "./state.ts";
import type { Typing } from "./typing.ts";
import { roomTopic, userTopic } from "./types.ts";
import type { Deps } from "./types.ts";

/** Sanitise and trim a message text; bad_request unless 1-4000 characters remain. */
export function cleanText(text: string): string {
  const clean = sanitizeText(text).trim();
  if (clean.length === 0) throw new ChatError("bad_request", "message text is empty");
  if (clean.length > LIMITS.textMax) {
    throw new ChatError("bad_request", `message text is longer than ${LIMITS.textMax} characters`);
  }
  return clean;
}

/** A stored room message as sent on the wire. */
export function toChatMessage(m: StoredMessage): ChatMessage {
  return { id: m.id, room: m.room ?? "", from: m.from, text: m.text, ts: m.ts };
}

/** A stored DM as sent on the wire. */
export function toDirectMessage(m: StoredMessage): DirectMessage {
  return { id: m.id, from: m.from, to: m.to ?? "", text: m.text, ts: m.ts };
}

/** Room messages, DMs and history (SPEC 2.3). */
export class Messages {
  #d: Deps;
  #typing: Typing;
  // Sends whose store commit is in flight, by client key, so a quick resend waits for them.
  #inFlight = new Map<string, Promise<StoredMessage>>();

  /** Messages over the shared state; a send clears the sender's typing notice. */
  constructor(deps: Deps, typing: Typing) {
    this.#d = deps;
    this.#typing = typing;
  }

  /** Store a room message, then publish it to the room; resolves with the stored message. */
  async send(user: string, rawRoom: string, text: string, clientId?: string): Promise<ChatMessage> {
    const room = memberRoom(this.#d.state, rawRoom, user);
    const clean = cleanText(text);
    const stored = await this.#store(roomKey(room.name), user, clean, clientId, room.name, null);
    const m = stored.message;
    if (stored.isNew) {
      this.#typing.clear(room.name, user);
      this.#d.publisher.publish(roomTopic(room.name), {
        type: "message",
        id: m.id,
        room: room.name,
        from: m.from,
        text: m.text,
        ts: m.ts,
      });
    }
    return toChatMessage(m);
  }

  /** Store a DM, then publish it to both users; queued for a recipient with no live connection. */
  async dm(user: string, rawTo: string, text: string, clientId?: string): Promise<DirectMessage> {
    const to = userName(rawTo);
    const recipient = this.#d.state.users.get(to);
    if (!recipient) throw new ChatError("not_found", `no such user '${to}'`);
    const clean = cleanText(text);
    const stored = await this.#store(dmKey(user, to), user, clean, clientId, null, to);
    const dm = toDirectMessage(stored.message);
    if (!stored.isNew) return dm;
    const topics = to === user ? [userTopic(to)] : [userTopic(to), userTopic(user)];
    this.#d.publisher.publishEach(topics, { type: "dm", ...dm });
    if (!this.#d.conns.hasLive(to)) {
      recipient.notices.push({ type: "dm", ...dm });
      trimDmNotices(recipient.notices, this.#d.state.history.limit);
      await this.#d.store.commit([{ op: "user", user: copyUser(recipient) }]);
    }
    return dm;
  }

  /** A room's history (members only) or the DM conversation with another user. */
  history(
    user: string,
    target: { room?: string; user?: string },
    opts: PageOptions,
  ): { room?: string; user?: string; messages: (ChatMessage | DirectMessage)[] } {
    if (target.user !== undefined) {
      const other = userName(target.user);
      if (!this.#d.state.users.has(other))
        throw new ChatError("not_found", `no such user '${other}'`);
      const list = this.#d.state.history.page(dmKey(user, other), opts);
      return { user: other, messages: list.map(toDirectMessage) };
    }
    const room = seeRoom(this.#d.state, target.room ?? "", user);
    if (!room.members.has(user)) {
      throw new ChatError("forbidden", `you are not a member of '${room.name}'; join it first`);
    }
    const list = this.#d.state.history.page(roomKey(room.name), opts);
    return { room: room.name, messages: list.map(toChatMessage) };
  }

  // Commit first, then append to memory: a message exists only once it is durable.
  async #store(
    key: string,
    from: string,
    text: string,
    clientId: string | undefined,
    room: string | null,
    to: string | null,
  ): Promise<{ message: StoredMessage; isNew: boolean }> {
    if (clientId !== undefined) {
      const seen = this.#d.state.history.findByClientId(key, from, clientId);
      if (seen) return { message: seen, isNew: false };
      const pending = this.#inFlight.get(clientKey(key, from, clientId));
      if (pending) return { message: await pending, isNew: false };
    }
    this.#d.limits.message(from);
    const message: StoredMessage = {
      id: this.#d.crypto.newId(),
      from,
      text,
      ts: new Date(this.#d.clock.now()).toISOString(),
    };
    if (room !== null) message.room = room;
    if (to !== null) message.to = to;
    if (clientId !== undefined) message.clientId = clientId;
    const commit = this.#d.store.commit([{ op: "msg", key, message }]).then(
      () => message,
      () => {
        throw new ChatError("internal", "the message could not be stored; it was not sent");
      },
    );
    if (clientId === undefined) await commit;
    else {
      const ck = clientKey(key, from, clientId);
      this.#inFlight.set(ck, commit);
      try {
        await commit;
      } finally {
        this.#inFlight.delete(ck);
      }
    }
    this.#d.state.history.append(key, message);
    return { message, isNew: true };
  }
}

function clientKey(key: string, from: string, clientId: string): string {
  return `${key}\u0000${from}\u0000${clientId}`;
}

// Keep at most `limit` queued DMs per user, dropping the oldest (they stay in history).
function trimDmNotices(notices: { type: string }[], limit: number): void {
  let dms = notices.filter((n) => n.type === "dm").length;
  for (let i = 0; i < notices.length && dms > limit;) {
    if (notices[i]!.type === "dm") {
      notices.splice(i, 1);
      dms--;
    } else i++;
  }
}
