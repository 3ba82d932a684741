/**
 * `listen [<room>...] [--count N]`: print events as they arrive.
 *
 * The connection reconnects by itself. While it is away, and while the starting point of
 * each room is fetched, live events wait in a buffer; after a reconnect the messages
 * missed meanwhile are fetched with `history after` the last one seen, following every page
 * the server says `more` of and waiting out `rate_limited`, then the buffer is printed. Message ids already printed are never printed again. A re-authentication that
 * is rate limited is tried again by the connection; a session refused or logged out
 * elsewhere ends `listen` with the auth exit code (4).
 */
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import type { Connection, ServerEvent } from "../connection.ts";
import { ChatError, ConnectionError, EXIT, exitCodeFor } from "../errors.ts";
import { eventJson } from "../json.ts";
import { renderEvent } from "../render.ts";
import {
  forEachLimited,
  HISTORY_IN_FLIGHT,
  type HistoryReply,
  type HistoryRequest,
  historyPage,
  memberRooms,
} from "./listen-requests.ts";
import type { Command, CommandContext } from "./types.ts";
import { positiveInt, roomArg } from "./util.ts";

// Ids remembered to suppress duplicates; old ones are dropped beyond this many.
const SEEN_MAX = 10_000;

/** Watches one connection and prints what it receives. */
class Listener {
  readonly #ctx: CommandContext;
  readonly #conn: Connection;
  readonly #filter: Set<string> | null;
  readonly #count: number | undefined;
  /** Last message id seen per room (null: the room had none when first looked at). */
  readonly #lastSeen = new Map<string, string | null>();
  /** Last DM id seen per conversation partner. */
  readonly #lastDm = new Map<string, string>();
  readonly #seen = new Set<string>();
  /** Last status printed per user: the server sends a change once per shared room. */
  readonly #presence = new Map<string, string>();
  #buffer: ServerEvent[] = [];
  #isCatchingUp = true;
  #printed = 0;
  #lastError: ChatError | null = null;
  #finish: (code: number) => void = () => {};

  constructor(ctx: CommandContext, conn: Connection, rooms: string[], count: number | undefined) {
    this.#ctx = ctx;
    this.#conn = conn;
    this.#filter = rooms.length > 0 ? new Set(rooms) : null;
    this.#count = count;
  }

  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    const stopEvents = this.#conn.onEvent((event) => this.#onEvent(event));
    const stopState = this.#conn.onState((state) => this.#onState(state));
    const onAbort = () => this.#finish(this.#ctx.signal.reason === "SIGINT" ? EXIT.interrupted : 0);
    this.#ctx.signal.addEventListener("abort", onAbort, { once: true });
    if (this.#ctx.signal.aborted) onAbort();
    try {
      await this.#startingPoints();
      this.#flush();
      // On stderr, so that a script can wait for it before expecting events.
      const stop = this.#ctx.io.isTTY ? "; Ctrl-C stops" : "";
      this.#ctx.io.err(`listening on ${this.#ctx.server} as ${this.#conn.user ?? "?"}${stop}`);
      return await done;
    } finally {
      stopEvents();
      stopState();
      this.#ctx.signal.removeEventListener("abort", onAbort);
    }
  }

  // The newest message id of every room listened to: the point to catch up from.
  async #startingPoints(): Promise<void> {
    const rooms = this.#filter ? [...this.#filter] : await memberRooms(this.#conn);
    await forEachLimited(rooms, HISTORY_IN_FLIGHT, (room) => this.#startingPoint(room));
  }

  async #startingPoint(room: string): Promise<void> {
    const { messages } = await historyPage(this.#conn, { type: "history", room, limit: 1 });
    if (!this.#lastSeen.has(room)) this.#lastSeen.set(room, messages.at(-1)?.id ?? null);
  }

  // A room joined while listening (approved, or joined elsewhere) is caught up on after a
  // reconnect like the others; one left is not.
  #followMembership(event: ServerEvent): void {
    const me = this.#conn.user;
    const room = typeof event.room === "string" ? event.room : null;
    if (room === null || (this.#filter && !this.#filter.has(room))) return;
    const isJoined =
      (event.type === "join_decision" && event.approved === true) ||
      (event.type === "member" && event.user === me && event.event === "joined");
    const isGone = event.type === "room_shutdown" || (event.type === "member" && event.user === me);
    if (isJoined && !this.#lastSeen.has(room)) {
      this.#startingPoint(room).catch(() => {
        // Dropped meanwhile: the room is looked at again once it sends a message.
      });
    } else if (isGone && !isJoined) {
      this.#lastSeen.delete(room);
    }
  }

  #onState(state: string): void {
    if (state === "reconnecting") {
      if (!this.#isCatchingUp)
        this.#ctx.io.err(`connection to ${this.#ctx.server} lost; reconnecting`);
      this.#isCatchingUp = true;
    } else if (state === "open") {
      this.#ctx.io.err(`reconnected to ${this.#ctx.server}`);
      void this.#catchUp();
    } else if (state === "closed") {
      this.#finish(this.#lastError ? exitCodeFor(this.#lastError) : EXIT.connection);
    }
  }

  async #catchUp(): Promise<void> {
    try {
      const missed: (ChatMessage | DirectMessage)[] = [];
      const asks: HistoryRequest[] = [...this.#lastSeen].map(([room, after]) => ({
        type: "history",
        room,
        ...(after ? { after } : {}),
      }));
      for (const [user, after] of this.#lastDm) asks.push({ type: "history", user, after });
      await forEachLimited(asks, HISTORY_IN_FLIGHT, (ask) => this.#fetch(ask, missed));
      const events: ServerEvent[] = missed.map((m) => ({
        ...m,
        type: "room" in m ? "message" : "dm",
      }));
      this.#flush(events);
    } catch (err) {
      // Dropped again while catching up: the next reconnect catches up from the same point.
      if (err instanceof ConnectionError && err.kind === "closed") return;
      this.#ctx.io.err(`could not fetch what was missed: ${(err as Error).message}`);
      this.#flush();
    }
  }

  // One room's (or DM partner's) messages after the cursor, or its newest ones without one,
  // page by page while the server says `more`: a page is bounded in bytes, what was missed
  // is not. A server repeating a cursor or sending an empty page with `more` ends the loop.
  async #fetch(msg: HistoryRequest, into: (ChatMessage | DirectMessage)[]): Promise<void> {
    const isForward = msg.after !== undefined;
    let ask = msg;
    for (;;) {
      let reply: HistoryReply;
      try {
        reply = await historyPage(this.#conn, ask);
      } catch (err) {
        // Kicked, or the room was shut down while away: nothing more to fetch from it.
        const isGone = err instanceof ChatError && err.code !== "rate_limited";
        if (!isGone || !msg.room) throw err;
        this.#lastSeen.delete(msg.room);
        return;
      }
      into.push(...reply.messages);
      const edge = isForward ? reply.messages.at(-1) : reply.messages[0];
      const cursor = isForward ? ask.after : ask.before;
      if (reply.more !== true || !edge || edge.id === cursor) return;
      ask = isForward ? { ...msg, after: edge.id } : { ...msg, before: edge.id };
    }
  }

  // Prints what was fetched and what arrived meanwhile: messages in time order (a DM the
  // server delivers on connect may be older than a fetched message), then other events.
  #flush(fetched: ServerEvent[] = []): void {
    this.#isCatchingUp = false;
    const buffered = this.#buffer;
    this.#buffer = [];
    const isMessage = (e: ServerEvent) => e.type === "message" || e.type === "dm";
    const messages = [...fetched, ...buffered.filter(isMessage)];
    messages.sort((a, b) =>
      String(a.ts) < String(b.ts) ? -1 : String(a.ts) > String(b.ts) ? 1 : 0,
    );
    for (const event of messages) this.#print(event);
    for (const event of buffered) if (!isMessage(event)) this.#print(event);
  }

  #onEvent(event: ServerEvent): void {
    if (event.type === "error") {
      const isAuth = event.code === "auth_failed" || event.code === "auth_required";
      this.#lastError = new ChatError(isAuth ? "auth_failed" : "internal", String(event.message));
      this.#ctx.io.err(`error from the server: ${String(event.message)}`);
      // The session was logged out or revoked elsewhere: this connection hears nothing more.
      if (event.code === "auth_required") this.#finish(EXIT.auth);
      return;
    }
    this.#followMembership(event);
    if (this.#isCatchingUp) this.#buffer.push(event);
    else this.#print(event);
  }

  #isWanted(event: ServerEvent): boolean {
    if (!this.#filter) return true;
    const room =
      event.type === "room_update" ? (event.room as { name?: unknown })?.name : event.room;
    return typeof room !== "string" || this.#filter.has(room);
  }

  #print(event: ServerEvent): void {
    if (!this.#isWanted(event)) return;
    if (event.type === "presence") {
      const user = String(event.user);
      if (this.#presence.get(user) === event.status) return;
      this.#presence.set(user, String(event.status));
    }
    const isMessage = event.type === "message" || event.type === "dm";
    if (isMessage) {
      const id = String(event.id);
      if (this.#seen.has(id)) return;
      this.#remember(id);
      if (event.type === "message") this.#lastSeen.set(String(event.room), id);
      else {
        const peer = event.from === this.#conn.user ? event.to : event.from;
        this.#lastDm.set(String(peer), id);
      }
    }
    const { io } = this.#ctx;
    if (this.#ctx.json) {
      const obj = eventJson(event);
      if (obj) io.json(obj);
    } else {
      const line = renderEvent(event, io.colors, new Date());
      if (line !== null) io.out(line);
    }
    if (isMessage && this.#count !== undefined && ++this.#printed >= this.#count) this.#finish(0);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_MAX) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}

/** `listen [<room>...] [--count N]`. */
export const listen: Command = {
  name: "listen",
  usage: "listen [<room>...] [--count N]",
  summary: "print events as they arrive, until interrupted (or N messages)",
  details:
    "Prints messages, DMs, presence, typing, join requests and decisions, and room changes;\nwith rooms given, only those rooms' events (and DMs and presence). With --json, one\nobject per line. Reconnects by itself and prints nothing twice.\n--count N: exit 0 after N messages (room messages and DMs).\n" +
    "Example: chat listen --json | while read -r line; do ...; done",
  options: { count: { type: "string", short: "n" } },
  minArgs: 0,
  isLongRunning: true,
  async run(ctx, { values, positionals }) {
    const rooms = positionals.map((room) => roomArg(room));
    const count = positiveInt("count", values.count);
    const conn = await ctx.connect({ mode: "listen", reconnect: true });
    return new Listener(ctx, conn, rooms, count).run();
  },
};
