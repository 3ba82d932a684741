/**
 * What an interactive session is made of: the connection it needs (client/connection.ts
 * provides it) and its options.
 */
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import type { ConnectionState, ServerEvent } from "../connection.ts";
import type { Colors } from "../render.ts";
import type { ChatLineStreams } from "./chat-line.ts";
import type { Dialogs } from "./dialogs.ts";
import type { StateStore } from "./history-file.ts";
import type { ColorDepth } from "./name-color.ts";
import type { ChatSession } from "./session.ts";

/** What the session needs of a connection (client/connection.ts provides it). */
export interface SessionConnection {
  request(msg: ClientMessage): Promise<ServerMessage>;
  onEvent(listener: (event: ServerEvent) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  close(): void;
  /** While reconnecting: when the next attempt starts (ms, on the session's clock). */
  readonly nextRetryAt?: number | null;
}

/** Everything a session is built from. */
export interface SessionOptions extends ChatLineStreams {
  conn: SessionConnection;
  me: string;
  server: string;
  colors: Colors;
  dialogs: Dialogs;
  state: StateStore | null;
  /** Command names of the shared table, for completion and /help. */
  commandNames: readonly string[];
  /** Runs a slash command (without its slash) through the shared command table. */
  slash(session: ChatSession, line: string): Promise<void>;
  now?: () => number;
  /** Colours of the terminal, for sender names (default 16). */
  depth?: ColorDepth;
  /** How many messages to show when entering a room. */
  recentCount?: number;
}
