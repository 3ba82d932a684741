/** The handler table: one entry per client message type, calling the domain. */
import type { ClientMessage, ClientMessageType, ServerMessage } from "../shared/protocol.ts";
import type { SessionGrant } from "./domain/accounts.ts";
import type { Chat } from "./domain/chat.ts";
import { requireUser } from "./domain/chat.ts";
import { ChatError } from "../shared/errors.ts";
import { roomName } from "./domain/room-access.ts";
import type { Conn } from "./domain/types.ts";

type Reply = ServerMessage | Promise<ServerMessage>;
type Handler<K extends ClientMessageType> = (
  chat: Chat,
  conn: Conn,
  msg: Extract<ClientMessage, { type: K }>,
) => Reply;

/** Message types that change who the connection is: later frames wait for them. */
export const AUTH_TYPES: ReadonlySet<ClientMessageType> = new Set([
  "register",
  "login",
  "auth",
  "logout",
]);

function notTwice(conn: Conn): void {
  if (conn.user !== null) {
    throw new ChatError("conflict", `already logged in as '${conn.user}'; log out first`);
  }
}

function session(
  chat: Chat,
  conn: Conn,
  grant: SessionGrant,
  msg: { mode?: Conn["mode"]; since?: string },
): ServerMessage {
  // Refused when the socket closed while the password or token was checked, or past a quota.
  try {
    conn.admit(grant.user);
  } catch (err) {
    // A session made for this refused login would be kept with no one holding its token.
    if (grant.isNew) chat.accounts.discard(conn, grant.user);
    throw err;
  }
  chat.attach(conn, grant.user, msg.mode ?? "oneshot", msg.since !== undefined);
  return { type: "session", user: grant.user, token: grant.token, cursor: chat.cursor() };
}

// Every request of an authenticated user counts as activity for presence.
function user(chat: Chat, conn: Conn): string {
  const name = requireUser(conn);
  chat.presence.activity(name, conn.mode !== "oneshot");
  return name;
}

/** One handler per client message type; each returns the reply (without `replyTo`). */
const HANDLERS = {
  register: async (chat, conn, m) => {
    notTwice(conn);
    return session(
      chat,
      conn,
      await chat.accounts.register(conn, m.user, m.password, m.client ?? m.mode ?? "oneshot"),
      m,
    );
  },
  login: async (chat, conn, m) => {
    notTwice(conn);
    // A bad cursor is refused before anything else is done.
    if (m.since !== undefined) {
      await chat.caughtUp();
      chat.position(m.since);
    }
    return session(
      chat,
      conn,
      await chat.accounts.login(conn, m.user, m.password, m.client ?? m.mode ?? "oneshot"),
      m,
    );
  },
  auth: (chat, conn, m) => {
    notTwice(conn);
    if (m.since === undefined) return session(chat, conn, chat.accounts.auth(conn, m.token), m);
    // In a cluster, the cursor may come from an instance a little ahead of this one.
    const waiting = chat.caughtUp();
    const resume = () => {
      chat.position(m.since!);
      return session(chat, conn, chat.accounts.auth(conn, m.token), m);
    };
    return waiting === null ? resume() : waiting.then(resume);
  },
  logout: async (chat, conn) => {
    requireUser(conn);
    await chat.logout(conn);
    return { type: "ok" };
  },
  passwd: async (chat, conn, m) => {
    await chat.accounts.passwd(conn, user(chat, conn), m.old, m.new, m.keepSessions);
    return { type: "ok" };
  },
  sessions: (chat, conn) => ({
    type: "sessions",
    sessions: chat.accounts.list(conn, user(chat, conn)),
  }),
  revoke: async (chat, conn, m) => ({
    type: "revoked",
    count: await chat.accounts.revoke(conn, user(chat, conn), m.session ?? null),
  }),
  rooms: (chat, conn, m) => {
    const name = user(chat, conn);
    return { type: "rooms", ...chat.reads.withCounts(name, chat.rooms.list(name, m)) };
  },
  create: async (chat, conn, m) => ({
    type: "room",
    room: await chat.rooms.create(user(chat, conn), m.room, m),
  }),
  edit: async (chat, conn, m) => ({
    type: "room",
    room: await chat.rooms.edit(user(chat, conn), m.room, m),
  }),
  shutdown: async (chat, conn, m) => {
    await chat.rooms.shutdown(user(chat, conn), m.room);
    return { type: "ok" };
  },
  join: async (chat, conn, m) => {
    const status = await chat.rooms.join(user(chat, conn), m.room);
    return { type: "joined", room: roomName(m.room), status };
  },
  leave: async (chat, conn, m) => {
    await chat.rooms.leave(user(chat, conn), m.room);
    return { type: "ok" };
  },
  requests: (chat, conn, m) => ({
    type: "requests",
    ...chat.rooms.requests(user(chat, conn), m.room),
  }),
  approve: async (chat, conn, m) => {
    await chat.rooms.decide(user(chat, conn), m.room, m.user, true);
    return { type: "ok" };
  },
  deny: async (chat, conn, m) => {
    await chat.rooms.decide(user(chat, conn), m.room, m.user, false);
    return { type: "ok" };
  },
  kick: async (chat, conn, m) => {
    await chat.rooms.kick(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  send: (chat, conn, m) =>
    chat.messages.send(user(chat, conn), m.room, m.text, m.clientId, m.action === true),
  dm: async (chat, conn, m) => ({
    type: "dm_sent",
    message: await chat.messages.dm(user(chat, conn), m.to, m.text, m.clientId, m.action === true),
  }),
  sync: (chat, conn, m) => chat.sync(conn, user(chat, conn), m.since, m.limit, m.batch),
  history: (chat, conn, m) => ({
    type: "history",
    ...chat.messages.history(user(chat, conn), m, m),
  }),
  read: (chat, conn, m) => chat.reads.mark(user(chat, conn), m, m.upTo),
  conversations: (chat, conn, m) => ({
    type: "conversations",
    ...chat.conversations(user(chat, conn), m),
  }),
  amend: async (chat, conn, m) => ({
    type: "updated",
    message: await chat.edits.amend(user(chat, conn), m, m.messageId, m.text),
  }),
  delete: async (chat, conn, m) => ({
    type: "updated",
    message: await chat.edits.delete(user(chat, conn), m, m.messageId),
  }),
  away: (chat, conn, m) => {
    chat.setAway(user(chat, conn), m.message);
    return { type: "ok" };
  },
  ban: async (chat, conn, m) => {
    await chat.moderation.ban(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  unban: async (chat, conn, m) => {
    await chat.moderation.unban(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  bans: (chat, conn, m) => ({ type: "bans", ...chat.moderation.bans(user(chat, conn), m.room, m) }),
  invite: async (chat, conn, m) => {
    await chat.moderation.invite(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  uninvite: async (chat, conn, m) => {
    await chat.moderation.uninvite(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  handover: async (chat, conn, m) => {
    await chat.moderation.handover(user(chat, conn), m.room, m.user);
    return { type: "ok" };
  },
  who: (chat, conn, m) => ({ type: "who", ...chat.who(user(chat, conn), m.room, m) }),
  typing: (chat, conn, m) => {
    chat.setTyping(conn, user(chat, conn), m.room, m.typing);
    return { type: "ok" };
  },
  activity: (chat, conn) => {
    user(chat, conn);
    return { type: "ok" };
  },
  // Any request counts as activity (SPEC 2.4), a ping too; before login it is just a pong.
  ping: (chat, conn) => {
    if (conn.user !== null) user(chat, conn);
    return { type: "pong" };
  },
} satisfies { [K in ClientMessageType]: Handler<K> };

/** Run the handler of `msg` and return its reply. Throws ChatError for a refused request. */
export function dispatch(chat: Chat, conn: Conn, msg: ClientMessage): Reply {
  const handler = HANDLERS[msg.type] as Handler<ClientMessageType>;
  return handler(chat, conn, msg as never);
}

/** What to do once the reply to `msg` is sent: a new session receives what its user missed. */
export function afterReply(chat: Chat, conn: Conn, msg: ClientMessage): Promise<void> | void {
  if ((msg.type === "login" || msg.type === "auth") && msg.since !== undefined) {
    // Not awaited: the connection's next requests need not wait for a long catch-up.
    chat.catchUp(conn, chat.position(msg.since), msg.batch).catch((err: unknown) => {
      chat.deps.log.error("catch_up", { conn: conn.id, error: String(err) });
    });
    return;
  }
  if (msg.type === "register" || msg.type === "login" || msg.type === "auth") {
    return chat.deliverMissed(conn);
  }
}
