/**
 * Interactive mode (`chat` on a terminal): a clack welcome, login or registration when
 * there is no saved session, a spinner while connecting, the last room or a room picker,
 * then the readline chat line of ChatSession until the user quits.
 */
import { forgetSession, readAuth, resolveServer, saveSession, sessionFor } from "./config.ts";
import { Connection, FINAL_AUTH_CODES, rateLimitDelay, type ServerEvent } from "./connection.ts";
import { ChatError, ConnectionError, describeError, EXIT } from "./errors.ts";
import {
  clackDialogs,
  clackScreen,
  type Dialogs,
  type DialogStreams,
  type Screen,
} from "./interactive/dialogs.ts";
import { StateStore, stateDir } from "./interactive/history-file.ts";
import { CursorKeeper, forgetCursor, loadCursor, saveCursor } from "./interactive/cursor-file.ts";
import { roomProblem } from "./interactive/field-checks.ts";
import { colorDepth } from "./interactive/name-color.ts";
import { ChatSession } from "./interactive/session.ts";
import { dialogWords } from "./interactive/words.ts";
import { showNotice } from "./interactive/display.ts";
import { makeSlash } from "./interactive/slash.ts";
import { ChatTable } from "./interactive/chat-table.ts";
import { logIn } from "./interactive/welcome.ts";
import { type Colors, makeColors } from "./render.ts";
import { normalizeRoomName, type RoomInfo } from "../shared/protocol.ts";

/** What client/main.ts passes in. */
export interface InteractiveOptions {
  /** --server, CHAT_SERVER or a URL argument; null: the saved login's server or the default. */
  server: string | null;
  configDir: string;
  timeoutMs: number;
  /** PEM text of a CA certificate for wss://. */
  ca?: string;
  color: boolean;
  /** Test doubles for the terminal (default process.stdin/stdout). */
  streams?: DialogStreams;
  env?: Record<string, string | undefined>;
}

/** Run the interactive chat; resolves to the exit code. */
export async function runInteractive(opts: InteractiveOptions): Promise<number> {
  const streams = opts.streams ?? { input: process.stdin, output: process.stdout };
  const env = opts.env ?? process.env;
  const colors = makeColors(opts.color);
  const dialogs = clackDialogs(streams);
  // Everything clack shows goes through the Screen and the Dialogs, which make it inert.
  const out = clackScreen(streams.output);
  out.intro(colors.bold(" chat "));
  let server: string;
  try {
    server = resolveServer(opts.server, readAuth(opts.configDir));
  } catch (err) {
    out.cancel(describeError(err));
    return EXIT.usage;
  }
  // `/login` or `/register` as someone else ends a chat to start over with that session.
  for (;;) {
    const ended = await chat(opts, server, env, dialogs, out);
    if (typeof ended === "number") return ended;
    const code = await ended.done;
    if (!ended.isSwitching) return code;
  }
}

// Connect, log in if needed, choose a room and run the chat line. A number: the chat
// ended before it began, with that exit code.
async function chat(
  opts: InteractiveOptions,
  server: string,
  env: Record<string, string | undefined>,
  dialogs: Dialogs,
  out: Out,
): Promise<ChatSession | number> {
  const colors = makeColors(opts.color);
  const streams = opts.streams ?? { input: process.stdin, output: process.stdout };
  const state = new StateStore(stateDir(env));
  const started = await connect(opts, server, env, dialogs, out, state);
  if (typeof started === "number") return started;
  const { conn, early, stopQueue } = started;
  const me = conn.user ?? "";
  const room = await chooseRoom(conn, state, server, me, dialogs, colors);
  if (room === undefined) {
    conn.close();
    out.cancel("bye");
    return 0;
  }
  out.outro(`logged in as ${colors.bold(me)} on ${server}; /help lists the commands`);
  const table = new ChatTable();
  const session = new ChatSession({
    ...streams,
    conn,
    me,
    server,
    colors,
    depth: colorDepth(env),
    dialogs,
    state,
    commandNames: table.names(),
    commandUsage: (name) => table.usageOf(name),
    slash: makeSlash({
      table,
      conn,
      server,
      configDir: opts.configDir,
      timeoutMs: opts.timeoutMs,
      token: () => conn.token,
      dial: () =>
        Connection.open({ url: server, timeoutMs: opts.timeoutMs, ca: opts.ca, mode: "oneshot" }),
    }),
  });
  stopQueue();
  await session.start(room);
  if (started.note) session.print(showNotice(started.note, colors));
  for (const event of early) session.handleEvent(event);
  // The counts the start asked for already held what the catch-up has just counted again.
  if (started.since !== null) {
    await Promise.all([session.views.recount("room"), session.views.recount("dm")]);
  }
  // From here on what the chat has shown is where the next run starts.
  const keeper = new CursorKeeper(conn, (c) => saveCursor(state, server, me, c), {
    saved: started.since,
  });
  void session.done.then(() => keeper.stop());
  return session;
}

type Out = Screen;

/** A connection with the events that arrived before the chat line could show them. */
interface Started {
  conn: Connection;
  early: ServerEvent[];
  stopQueue: () => void;
  /** The saved cursor the session resumed from (null: it started from now). */
  since: string | null;
  /** One line to show once the chat line is up. */
  note?: string;
}

async function connect(
  opts: InteractiveOptions,
  server: string,
  env: Record<string, string | undefined>,
  dialogs: Dialogs,
  out: Out,
  state: StateStore,
): Promise<Started | number> {
  const saved = sessionFor(readAuth(opts.configDir), server);
  let token = env.CHAT_TOKEN || saved?.token || null;
  // Whose cursor to resume from is known before authenticating only for the saved session.
  const account = saved && token === saved.token ? saved.user : null;
  const resume = account === null ? null : { state, server, user: account };
  const spin = out.spinner();
  spin.start(`Connecting to ${server}`);
  const fail = (err: unknown) => {
    const [first = "", ...rest] = describeError(err, server).split("\n");
    spin.error(first);
    out.cancel(rest.join("\n"));
    return err instanceof ConnectionError ? EXIT.connection : EXIT.error;
  };
  let started: Started;
  try {
    started = await openAuthenticated(opts, server, token, spin, resume);
  } catch (err) {
    const isRefused = err instanceof ChatError && FINAL_AUTH_CODES.has(err.code);
    if (!isRefused || token === null) return fail(err);
    // The saved session was revoked or expired: forget it and log in again.
    if (!env.CHAT_TOKEN) forgetSession(opts.configDir, server);
    token = null;
    spin.message("The saved session is no longer valid; log in again");
    try {
      started = await openQueued(opts, server);
    } catch (again) {
      return fail(again);
    }
  }
  spin.stop(`Connected to ${server}`);
  if (token !== null) return started;
  const user = await logIn(started.conn, dialogs, out);
  if (user === null) {
    started.conn.close();
    out.cancel("not logged in");
    return EXIT.auth;
  }
  const newToken = started.conn.token;
  if (newToken) saveSession(opts.configDir, { server, user, token: newToken });
  return started;
}

// A rate-limited authentication is not a refused session: the saved one is kept, and
// asked for again after the wait the server names, a few times.
const RATE_LIMITED_TRIES = 5;

/** The saved cursor of the account a saved session names. */
interface Resume {
  state: StateStore;
  server: string;
  user: string;
}

async function openAuthenticated(
  opts: InteractiveOptions,
  server: string,
  token: string | null,
  spin: ReturnType<Screen["spinner"]>,
  resume: Resume | null,
): Promise<Started> {
  let since = resume ? loadCursor(resume.state, resume.server, resume.user) : null;
  let note: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const started = await openQueued(opts, server, since);
    if (token === null) return started;
    try {
      await started.conn.authenticate(token);
      await caughtUp(started, opts.timeoutMs);
      return { ...started, note };
    } catch (err) {
      started.stopQueue();
      if (resume && since !== null && err instanceof ChatError && err.code === "bad_request") {
        // Another deployment, or its data was reset: what came meanwhile cannot be had.
        forgetCursor(resume.state, resume.server, resume.user);
        since = null;
        note =
          "the server does not know where the last run stopped (another server, or its data was reset): showing only what is new";
        attempt--;
        continue;
      }
      const isLimited = err instanceof ChatError && err.code === "rate_limited";
      if (!isLimited || attempt >= RATE_LIMITED_TRIES) throw err;
      const delay = rateLimitDelay(err.retryAfterMs);
      spin.message(`The server asks to wait; trying again in ${Math.ceil(delay / 1000)} s`);
      await Bun.sleep(delay);
    }
  }
}

// Events that arrive while the start dialogs run (what was missed since the saved cursor
// among them) wait for the chat line: nothing prints into a dialog. The
// queue is attached before authenticating, as the server sends them right after.
async function openQueued(
  opts: InteractiveOptions,
  url: string,
  since: string | null = null,
): Promise<Started> {
  const conn = await open(opts, url, since);
  const early: ServerEvent[] = [];
  const stopQueue = conn.onEvent((event) => early.push(event));
  return { conn, early, stopQueue, since };
}

// With a saved cursor the missed events follow the session reply in pages: the chat line
// starts once the last one is in, so they show in log order before anything live (one that
// takes longer than a reply may goes on in the chat line).
async function caughtUp(started: Started, timeoutMs: number): Promise<void> {
  if (started.since === null) return;
  const isLast = (e: ServerEvent) => e.type === "synced" && e.more !== true;
  if (started.early.some(isLast)) return;
  const { promise, resolve } = Promise.withResolvers<void>();
  const stop = started.conn.onEvent((e) => isLast(e) && resolve());
  const timer = setTimeout(resolve, timeoutMs);
  await promise;
  clearTimeout(timer);
  stop();
}

function open(opts: InteractiveOptions, url: string, since: string | null): Promise<Connection> {
  return Connection.open({
    url,
    timeoutMs: opts.timeoutMs,
    ca: opts.ca,
    mode: "interactive",
    reconnect: true,
    // Reconnects resume with `auth since=` the greatest seq seen: nothing missed, nothing twice.
    resume: true,
    ...(since === null ? {} : { since }),
  });
}

// The last room used with this server, or a picker. undefined: cancelled.
async function chooseRoom(
  conn: Connection,
  state: StateStore,
  server: string,
  me: string,
  d: Dialogs,
  c: Colors,
): Promise<string | null | undefined> {
  const reply = await conn.request({ type: "rooms" });
  const rooms = reply.type === "rooms" ? reply.rooms : [];
  const isMember = (r: RoomInfo) => r.role === "member" || r.role === "admin";
  const last = state.lastRoom(server, me);
  if (last && rooms.some((r) => r.name === last && isMember(r))) return last;
  const choices = rooms
    .filter((r) => isMember(r) || (r.open && r.visible))
    .sort((a, b) => Number(isMember(b)) - Number(isMember(a)) || b.members - a.members)
    .map((r) => ({
      value: `#${r.name}`,
      // Unread counts in the label: clack shows a hint only on the focused choice.
      label: `#${r.name}${r.unread ? `(${r.unread}${r.mentions ? `,${r.mentions}!` : ""})` : ""}`,
      hint: `${isMember(r) ? r.role : "open"}, ${r.members} ${r.members === 1 ? "member" : "members"}${r.topic ? `: ${r.topic}` : ""}`,
    }));
  choices.push({ value: "+new", label: c.dim("create a new room"), hint: "" });
  const picked = await d.select("Which room?", choices);
  if (picked === null) return undefined;
  if (picked === "+new") return createFirstRoom(conn, d);
  const room = picked.slice(1);
  if (!rooms.some((r) => r.name === room && isMember(r))) {
    const joined = await conn.request({ type: "join", room });
    if (joined.type === "joined" && joined.status === "pending") {
      d.info(`asked the admin of #${room} to let you in`);
      return null;
    }
  }
  return room;
}

async function createFirstRoom(conn: Connection, d: Dialogs): Promise<string | null | undefined> {
  for (;;) {
    const raw = await d.text("Room name", { placeholder: "e.g. lobby", validate: roomProblem });
    if (raw === null) return undefined;
    const room = normalizeRoomName(raw);
    if (!room) {
      d.info("room names are 1-32 characters of a-z 0-9 _ -");
      continue;
    }
    try {
      await conn.request({ type: "create", room });
      return room;
    } catch (err) {
      d.info(dialogWords(describeError(err)));
    }
  }
}
