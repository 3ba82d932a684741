/**
 * `listen [<room>...] [--count N] [--since CURSOR] [--type T,...] [--exclude-self]`: print
 * events as they arrive.
 *
 * The connection reconnects by itself and resumes through the server's cursor: every
 * re-authentication carries `since` (the greatest `seq` received), so what was missed comes
 * first, each event once and in log order, with no history calls. `--since` starts from a
 * cursor printed earlier (any event's `seq`). Rooms named are checked at start, waiting out a
 * request limit. A re-authentication that is rate limited is tried again by the connection; a session refused or logged out elsewhere ends `listen`
 * with the auth exit code (4).
 */
import { isSeq } from "../../shared/seq.ts";
import { type Connection, rateLimitDelay, type ServerEvent } from "../connection.ts";
import { ChatError, EXIT, exitCodeFor, UsageError } from "../errors.ts";
import { eventJson } from "../json.ts";
import { renderEvent } from "../render.ts";
import { presenceChanges } from "../presence-users.ts";
import type { Command, CommandContext } from "./types.ts";
import { positiveInt, roomArg } from "./util.ts";

/** What `listen` prints. */
interface ListenFilter {
  rooms: Set<string> | null;
  types: Set<string> | null;
  isSelfExcluded: boolean;
  count: number | undefined;
}

// Events about a message, whose sender `--exclude-self` looks at.
const MESSAGE_TYPES = new Set(["message", "dm", "message_update", "dm_update"]);

/** Watches one connection and prints what it receives. */
class Listener {
  readonly #ctx: CommandContext;
  readonly #conn: Connection;
  readonly #filter: ListenFilter;
  /** The cursor this run starts from (null: an older server that keeps none). */
  readonly #start: string | null;
  /** Last status and away printed per user: the server sends a change once per shared room. */
  readonly #presence = new Map<string, string>();
  /** The greatest seq printed or passed over: nothing at or before it is printed again. */
  #lastSeq = "";
  #isLost = false;
  #printed = 0;
  #lastError: ChatError | null = null;
  #finish: (code: number) => void = () => {};
  /** Events that came before run(): a catch-up page of thousands may come first. */
  #held: ServerEvent[] | null = [];
  readonly #stopEvents: () => void;

  constructor(ctx: CommandContext, conn: Connection, filter: ListenFilter, start: string | null) {
    this.#ctx = ctx;
    this.#conn = conn;
    this.#filter = filter;
    this.#start = start;
    // Listening from the first frame, while the rooms named are checked.
    this.#stopEvents = conn.onEvent((event) => {
      if (this.#held) this.#held.push(event);
      else this.#onEvent(event);
    });
  }

  /** Print what came and what comes, until done. */
  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    const stopState = this.#conn.onState((state) => this.#onState(state));
    const onAbort = () => this.#finish(this.#ctx.signal.reason === "SIGINT" ? EXIT.interrupted : 0);
    this.#ctx.signal.addEventListener("abort", onAbort, { once: true });
    if (this.#ctx.signal.aborted) onAbort();
    try {
      // On stderr, so that a script can wait for it before expecting events, and keep the
      // cursor to pass to --since next time even when no event comes.
      const stop = this.#ctx.io.isTTY ? "; Ctrl-C stops" : "";
      const from = this.#start === null ? "" : ` from cursor ${this.#start}`;
      const who = this.#conn.user ?? "?";
      this.#ctx.io.err(`listening on ${this.#ctx.server} as ${who}${from}${stop}`);
      if (this.#conn.cursor === null) {
        this.#ctx.io.err("this server keeps no cursor: events missed while away are not shown");
      }
      const held = this.#held ?? [];
      this.#held = null;
      for (const event of held) this.#onEvent(event);
      return await done;
    } finally {
      this.#stopEvents();
      stopState();
      this.#ctx.signal.removeEventListener("abort", onAbort);
    }
  }

  #onState(state: string): void {
    if (state === "reconnecting") {
      if (!this.#isLost) this.#ctx.io.err(`connection to ${this.#ctx.server} lost; reconnecting`);
      this.#isLost = true;
    } else if (state === "open") {
      // What was missed follows on its own: the connection resumed from its cursor.
      this.#ctx.io.err(`reconnected to ${this.#ctx.server}`);
      this.#isLost = false;
    } else if (state === "closed") {
      this.#finish(this.#lastError ? exitCodeFor(this.#lastError) : EXIT.connection);
    }
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
    if (event.type === "synced") return this.#noteGaps(event);
    // Once each: a stored event carries its position in the log.
    if (typeof event.seq === "string") {
      if (event.seq <= this.#lastSeq) return;
      this.#lastSeq = event.seq;
    }
    if (this.#isWanted(event)) this.#print(event);
  }

  // A catch-up that could not have everything says so, on stderr.
  #noteGaps(event: ServerEvent): void {
    const truncated = Array.isArray(event.truncated) ? event.truncated : [];
    for (const t of truncated as Record<string, unknown>[]) {
      const where = t.room ? `#${String(t.room)}` : t.user ? `@${String(t.user)}` : "your events";
      this.#ctx.io.err(`missed more than the server keeps: ${String(t.dropped)} in ${where}`);
    }
  }

  #isWanted(event: ServerEvent): boolean {
    const { rooms, types, isSelfExcluded } = this.#filter;
    if (types && !types.has(event.type)) return false;
    if (isSelfExcluded && MESSAGE_TYPES.has(event.type) && event.from === this.#conn.user) {
      return false;
    }
    if (!rooms) return true;
    const room =
      event.type === "room_update" ? (event.room as { name?: unknown })?.name : event.room;
    return typeof room !== "string" || rooms.has(room);
  }

  #print(event: ServerEvent): void {
    if (event.type === "presence") return this.#printPresence(event);
    this.#printOne(event);
    const isMessage = event.type === "message" || event.type === "dm";
    const { count } = this.#filter;
    if (isMessage && count !== undefined && ++this.#printed >= count) this.#finish(0);
  }

  // One line per user the event names whose status or away message is new to this listener.
  #printPresence(event: ServerEvent): void {
    for (const change of presenceChanges(event)) {
      const key = `${change.status}\n${change.away ?? ""}`;
      if (this.#presence.get(change.user) === key) continue;
      this.#presence.set(change.user, key);
      this.#printOne(change);
    }
  }

  #printOne(event: ServerEvent): void {
    const { io } = this.#ctx;
    if (this.#ctx.json) {
      const obj = eventJson(event);
      if (obj) io.json(obj);
    } else {
      const line = renderEvent(event, io.colors, new Date());
      if (line !== null) io.out(line);
    }
  }
}

// A request refused as rate limited this many times in a row is given up on (the error shown).
const RATE_LIMITED_ATTEMPTS = 10;

/**
 * `send` again after the wait the server names while it answers `rate_limited`: many rooms
 * named at start may pass a connection's request burst, which is no reason to fail.
 */
async function patiently<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const isLimited = err instanceof ChatError && err.code === "rate_limited";
      if (!isLimited || attempt >= RATE_LIMITED_ATTEMPTS) throw err;
      await Bun.sleep(rateLimitDelay(err.retryAfterMs));
    }
  }
}

/** The `--type` list: comma-separated event types. */
function typesArg(raw: string | undefined): Set<string> | null {
  if (raw === undefined) return null;
  const types = raw.split(",").map((t) => t.trim());
  if (types.some((t) => !/^[a-z_]{1,32}$/.test(t))) {
    throw new UsageError(
      `'${raw}' is not a list of event types`,
      "for example --type message,dm,join_decision",
    );
  }
  return new Set(types);
}

/** The `--since` cursor: a `seq` printed earlier. */
function sinceArg(raw: string | undefined): string | undefined {
  if (raw === undefined || isSeq(raw)) return raw;
  throw new UsageError(
    `'${raw}' is not a cursor`,
    "a cursor is the 16-digit seq of an event printed earlier (listen --json shows it)",
  );
}

/** `listen [<room>...] [--count N] [--since CURSOR] [--type T,...] [--exclude-self]`. */
export const listen: Command = {
  name: "listen",
  usage: "listen [<room>...] [--count N] [--since CURSOR] [--type T,...] [--exclude-self]",
  summary: "print events as they arrive, until interrupted (or N messages)",
  details:
    "Prints messages, DMs, presence, typing, join requests and decisions, and room changes;\nwith rooms given, only those rooms' events (and DMs). With --json, one\nobject per line, each stored event with its seq. Reconnects by itself and resumes where\nit was: nothing is printed twice or skipped.\n--count N: exit 0 after N messages (room messages and DMs).\n--since CURSOR: first print what happened after CURSOR (the seq of an event printed before).\n--type T,...: print only these event types (message,dm,member,join_decision,...).\n--exclude-self: leave out your own messages and DMs.\n" +
    "Example: chat listen --json --since 0000000000004711 | while read -r line; do ...; done",
  options: {
    count: { type: "string", short: "n" },
    since: { type: "string" },
    type: { type: "string" },
    "exclude-self": { type: "boolean" },
  },
  minArgs: 0,
  isLongRunning: true,
  chat: { notInChat: "the chat already shows everything as it arrives" },
  async run(ctx, { values, positionals }) {
    const rooms = positionals.map((room) => roomArg(room));
    const filter: ListenFilter = {
      rooms: rooms.length > 0 ? new Set(rooms) : null,
      types: typesArg(values.type as string | undefined),
      isSelfExcluded: values["exclude-self"] === true,
      count: positiveInt("count", values.count),
    };
    const since = sinceArg(values.since as string | undefined);
    const conn = await ctx.connect({
      mode: "listen",
      reconnect: true,
      resume: true,
      ...(since === undefined ? {} : { since }),
    });
    // Taken before anything is awaited: events that come meanwhile are printed after it.
    const start = since ?? conn.cursor;
    const listener = new Listener(ctx, conn, filter, start);
    // A room one cannot read is refused at once (forbidden 5, missing 3), not listened to.
    for (const room of rooms)
      await patiently(() => conn.request({ type: "history", room, limit: 1 }));
    return listener.run();
  },
};
