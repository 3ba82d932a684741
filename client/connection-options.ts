/** How a connection is opened, and the states it reports. */
import type { ClientMode } from "../shared/protocol.ts";

/** The connection's state, reported to `onState` listeners on every change. */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** How to open a connection. */
export interface ConnectionOptions {
  /** A ws:// or wss:// URL. */
  url: string;
  /** For connecting and for each reply. */
  timeoutMs: number;
  /** PEM text of a CA certificate to trust for wss:// (the file's contents, not its path). */
  ca?: string;
  /** Sent with auth/login/register: only interactive and listen make the user online. */
  mode: ClientMode;
  /** A session token: the connection authenticates with it right after `welcome`. */
  token?: string | null;
  /** Re-dial by itself when the connection drops. */
  reconnect?: boolean;
  /**
   * Keep the cursor (the session's, then the greatest `seq` or `synced` cursor received) and
   * authenticate every reconnect with `since` it: what was missed meanwhile comes first.
   */
  resume?: boolean;
  /** The cursor the first authentication resumes from (with `resume`). */
  since?: string;
}
