/**
 * What a command may do in the chat (the ChatHost of client/commands/chat-face.ts), made
 * from the session, its connection and the chat's table: commands declare their chat
 * behaviour against this, and never import the interactive folder.
 */
import type { ChatHost } from "../commands/chat-face.ts";
import type { ChatTable } from "./chat-table.ts";
import { showError, showNotice } from "./display.ts";
import { createRoom, decide, editRoom } from "./room-forms.ts";
import type { ChatSession } from "./session.ts";
import { startSession } from "./session-start.ts";
import { viewActions } from "./view-commands.ts";
import { runTable, type SlashOptions } from "./table.ts";

/** The chat as a command sees it. */
export function makeHost(session: ChatSession, opts: SlashOptions, table: ChatTable): ChatHost {
  const c = session.opts.colors;
  return {
    get me() {
      return session.me;
    },
    get room() {
      return session.room;
    },
    get view() {
      return session.viewName;
    },
    views: viewActions(session),
    roomInfo: (room) => session.rooms.get(room),
    notice: (text) => session.print(showNotice(text, c)),
    error: (text) => session.print(showError(text, c)),
    run: (argv, o) => runTable(session, opts, argv, o?.hooks, o?.isTold ?? false),
    request: (msg) => opts.conn.request(msg),
    ask: (dialog) => session.modal(dialog),
    enter: (room) => session.enter(room),
    left: (room) => session.leftRoom(room),
    refreshRooms: () => session.refreshRooms(),
    clear: () => session.line.clear(),
    help: (name) => showHelp(session, table, name),
    quit: (code) => session.quit(code ?? 0),
    forms: {
      startSession: (name, args) => startSession(session, opts, name, args),
      createRoom: (name, args) => createRoom(session, opts, name, args),
      editRoom: (name, args) => editRoom(session, opts, name, args),
      decide: (verb, room) => decide(session, opts, verb, room),
    },
  };
}

function columnsOf(session: ChatSession): number {
  return (session.opts.output as { columns?: number }).columns ?? 80;
}

function showHelp(session: ChatSession, table: ChatTable, name: string | undefined): void {
  const c = session.opts.colors;
  const columns = columnsOf(session);
  if (name === undefined) {
    for (const line of table.help(columns, c)) session.print(line);
    return;
  }
  const command = table.find(name.replace(/^\//, ""));
  if (!command || command.chat?.notInChat) {
    session.print(showError(`no command /${name.replace(/^\//, "")} in the chat`, c));
    return;
  }
  for (const line of table.commandHelp(command, columns)) session.print(line);
}
