/**
 * Interactive mode (`chat` on a terminal): a clack welcome, login or registration when
 * there is no saved session, a spinner while connecting, the last room or a room picker,
 * then the readline chat line of ChatSession until the user quits.
 */
import { readAuth, resolveServer } from "./config.ts";
import { Connection } from "./connection.ts";
import { describeError, EXIT } from "./errors.ts";
import {
  clackDialogs,
  clackScreen,
  type Dialogs,
  type DialogStreams,
  type Screen,
} from "./interactive/dialogs.ts";
import { StateStore, stateDir } from "./interactive/history-file.ts";
import { CursorKeeper, saveCursor } from "./interactive/cursor-file.ts";
import { chooseRoom } from "./interactive/first-room.ts";
import { colorDepth } from "./interactive/name-color.ts";
import { ChatSession } from "./interactive/session.ts";
import { showNotice } from "./interactive/display.ts";
import { makeSlash } from "./interactive/slash.ts";
import { ChatTable } from "./interactive/chat-table.ts";
import { connect } from "./interactive/start-connection.ts";
import { makeColors } from "./render.ts";

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
  out: Screen,
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
