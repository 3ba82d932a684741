/**
 * A harness for interactive session tests: a connection double that answers like a server,
 * dialogs answered from a script, and a session on the fake terminal.
 */
import type { ClientMessage, RoomInfo, ServerMessage } from "../../shared/protocol.ts";
import type { Connection, ConnectionState, ServerEvent } from "../../client/connection.ts";
import type { Choice, Dialogs } from "../../client/interactive/dialogs.ts";
import { ChatSession, type SessionConnection } from "../../client/interactive/session.ts";
import type { Command } from "../../client/commands.ts";
import { ChatTable } from "../../client/interactive/chat-table.ts";
import { makeSlash } from "../../client/interactive/slash.ts";
import { makeColors } from "../../client/render.ts";
import { FakeTerminal } from "./interactive-terminal.ts";

export const TS = "2026-11-25T12:00:00.000Z";
export const room = (name: string, role: RoomInfo["role"], open = true): RoomInfo => ({
  name,
  open,
  visible: true,
  admin: "alice",
  members: 2,
  role,
  topic: "",
});
export const msg = (id: string, roomName: string, from: string, text: string) => ({
  id,
  room: roomName,
  from,
  text,
  ts: TS,
});

/** A connection double: answers requests from a handler, records them, emits events. */
export class FakeConnection implements SessionConnection {
  sent: ClientMessage[] = [];
  user: string | null = "alice";
  token: string | null = "tok";
  nextRetryAt: number | null = null;
  history = new Map<string, ReturnType<typeof msg>[]>();
  rooms: RoomInfo[] = [room("lobby", "member"), room("dev", "member")];
  #events = new Set<(e: ServerEvent) => void>();
  #states = new Set<(s: ConnectionState) => void>();
  answer: (m: ClientMessage) => ServerMessage | null = () => null;

  async request(m: ClientMessage): Promise<ServerMessage> {
    this.sent.push(m);
    const custom = this.answer(m);
    if (custom) return custom;
    switch (m.type) {
      case "rooms":
        return { type: "rooms", rooms: this.rooms.map((r) => ({ ...r })) };
      case "history": {
        let list = this.history.get(m.room ?? "") ?? [];
        if (m.after) list = list.slice(list.findIndex((x) => x.id === m.after) + 1);
        if (m.limit) list = list.slice(-m.limit);
        return { type: "history", room: m.room, messages: list };
      }
      case "send": {
        const stored = msg(`s${this.sent.length}`, m.room, "alice", m.text);
        return { type: "sent", message: stored };
      }
      default:
        return { type: "ok" };
    }
  }
  onEvent(l: (e: ServerEvent) => void) {
    this.#events.add(l);
    return () => this.#events.delete(l);
  }
  onState(l: (s: ConnectionState) => void) {
    this.#states.add(l);
    return () => this.#states.delete(l);
  }
  close() {}
  emit(e: ServerEvent) {
    for (const l of this.#events) l(e);
  }
  setState(s: ConnectionState) {
    for (const l of this.#states) l(s);
  }
  ofType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

/** Dialogs that answer from a script, in order. */
export function scriptedDialogs(
  answers: unknown[],
): Dialogs & { asked: string[]; initials: Map<string, unknown> } {
  const asked: string[] = [];
  // The value each select dialog started on, by its message.
  const initials = new Map<string, unknown>();
  const next = async (message: string) => {
    asked.push(message);
    return (answers.length > 0 ? answers.shift() : null) as never;
  };
  return {
    asked,
    initials,
    text: (m) => next(m),
    password: (m) => next(m),
    confirm: (m) => next(m),
    select: <T extends string>(m: string, _c: Choice<T>[], initial?: T) => {
      initials.set(m, initial);
      return next(m) as Promise<T | null>;
    },
    info: () => {},
  };
}

/** The session of the running test (quit after each test with `afterEach(quitSession)`). */
export let session: ChatSession | null = null;

/** Make `s` the running test's session. */
export function track(s: ChatSession): ChatSession {
  session = s;
  return s;
}

/** Quit the running test's session. */
export function quitSession(): void {
  session?.quit();
  session = null;
}

/** The chat's slash layer over a fake connection (`table`: the chat's command table). */
export function fakeSlash(conn: { readonly token: string | null }, table?: ChatTable) {
  return makeSlash({
    ...(table ? { table } : {}),
    conn: conn as unknown as Connection,
    server: "ws://test",
    configDir: "/nonexistent-config",
    timeoutMs: 1000,
    token: () => conn.token,
  });
}

/**
 * A session on a fake terminal and connection, in #lobby, with scripted dialog answers;
 * `commands`: the chat's command table (default: the real one).
 */
export async function setup(
  opts: {
    answers?: unknown[];
    now?: () => number;
    columns?: number;
    commands?: readonly Command[];
  } = {},
) {
  const table = new ChatTable(opts.commands);
  const term = new FakeTerminal(opts.columns ?? 80, 30);
  const conn = new FakeConnection();
  const dialogs = scriptedDialogs(opts.answers ?? []);
  session = new ChatSession({
    input: term.input,
    output: term.output,
    conn,
    me: "alice",
    server: "ws://test",
    colors: makeColors(false),
    dialogs,
    state: null,
    commandNames: table.names(),
    commandUsage: (name) => table.usageOf(name),
    slash: fakeSlash(conn, table),
    now: opts.now,
  });
  await session.start("lobby");
  return { term, conn, dialogs, session };
}
