/**
 * Connecting at start: the saved session (or a login when there is none or it was refused),
 * a rate limit waited out, the last run's cursor resumed, and the events that arrive meanwhile
 * queued for the chat line.
 */
import { forgetSession, readAuth, saveSession, sessionFor } from "../config.ts";
import { Connection, FINAL_AUTH_CODES, rateLimitDelay, type ServerEvent } from "../connection.ts";
import { ChatError, ConnectionError, describeError, EXIT } from "../errors.ts";
import { forgetCursor, loadCursor } from "./cursor-file.ts";
import type { Dialogs, Screen } from "./dialogs.ts";
import type { StateStore } from "./history-file.ts";
import { logIn } from "./welcome.ts";

/** What connecting needs of the interactive options. */
export interface ConnectOptions {
  configDir: string;
  timeoutMs: number;
  /** PEM text of a CA certificate for wss://. */
  ca?: string;
}

/** A connection with the events that arrived before the chat line could show them. */
export interface Started {
  conn: Connection;
  early: ServerEvent[];
  stopQueue: () => void;
  /** The saved cursor the session resumed from (null: it started from now). */
  since: string | null;
  /** One line to show once the chat line is up. */
  note?: string;
}

/**
 * Connect and authenticate with the saved session or CHAT_TOKEN, or log in; a number: the
 * exit code when that failed or the user gave up.
 */
export async function connect(
  opts: ConnectOptions,
  server: string,
  env: Record<string, string | undefined>,
  dialogs: Dialogs,
  out: Screen,
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
  opts: ConnectOptions,
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
  opts: ConnectOptions,
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

function open(opts: ConnectOptions, url: string, since: string | null): Promise<Connection> {
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
