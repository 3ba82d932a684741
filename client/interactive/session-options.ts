/**
 * What an interactive session is made of: the connection it needs (client/connection.ts
 * provides it) and its options.
 */
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import type { ConnectionState, ServerEvent } from "../connection.ts";
import type { Colors } from "../render.ts";
import type { ChatLineStreams } from "./chat-line-options.ts";
import type { Dialogs } from "./dialogs.ts";
import type { StateStore } from "./history-file.ts";
import type { ColorDepth } from "./name-color.ts";

/** What the session needs of a connection (client/connection.ts provides it). */
export interface SessionConnection {
  request(msg: ClientMessage): Promise<ServerMessage>;
  onEvent(listener: (event: ServerEvent) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  close(): void;
  /** While reconnecting: when the next attempt starts (ms, on the session's clock). */
  readonly nextRetryAt?: number | null;
  /**
   * Where a reconnect resumes from (`auth since=`), when the server keeps a cursor: what was
   * missed then comes as events and nothing is fetched with `history`. Absent or null: an
   * older server, caught up with `history after`.
   */
  readonly cursor?: string | null;
}

/** Everything a session is built from but its slash commands (session.ts adds those). */
export interface SessionParts extends ChatLineStreams {
  conn: SessionConnection;
  me: string;
  server: string;
  colors: Colors;
  dialogs: Dialogs;
  state: StateStore | null;
  /** Command names of the shared table, for completion and /help. */
  commandNames: readonly string[];
  /** A command's usage in the chat (`kick [#room] <user>`): what Tab offers for its arguments. */
  commandUsage?(name: string): string | null;
  now?: () => number;
  /** Colours of the terminal, for sender names (default 16). */
  depth?: ColorDepth;
  /** How many messages to show when entering a room. */
  recentCount?: number;
}
