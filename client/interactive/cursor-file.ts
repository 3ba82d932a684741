/**
 * Where the interactive client stopped in the server's log, kept across runs per server and
 * account in the state folder (`cursor-<key>.json`). The next run authenticates with `since`
 * it, so the DMs, decisions, requests, invites and room messages of the time it was not
 * running arrive once, as after a reconnect. Written atomically, at most once a second while
 * the chat runs and once more when it ends.
 */
import { isSeq } from "../../shared/seq.ts";
import { accountKey, type StateStore } from "./history-file.ts";

/** Least time between two writes while the chat runs, in ms. */
export const CURSOR_WRITE_MS = 1000;

/** The files of the state folder the cursor needs. */
export type CursorFiles = Pick<StateStore, "readText" | "writeText" | "remove">;

function cursorFile(server: string, user: string): string {
  return `cursor-${accountKey(server, user)}.json`;
}

/** The cursor saved for this account on this server, or null (none, or a damaged file). */
export function loadCursor(state: CursorFiles, server: string, user: string): string | null {
  const text = state.readText(cursorFile(server, user));
  if (text === null) return null;
  try {
    const data: unknown = JSON.parse(text);
    const cursor = (data as { cursor?: unknown } | null)?.cursor;
    // Sent to the server as it is: only a well-formed position is.
    return isSeq(cursor) ? cursor : null;
  } catch {
    return null;
  }
}

/** Save the cursor of this account on this server. */
export function saveCursor(state: CursorFiles, server: string, user: string, cursor: string): void {
  state.writeText(cursorFile(server, user), `${JSON.stringify({ cursor })}\n`);
}

/** Forget the saved cursor (the server refused it: another deployment, or its data was reset). */
export function forgetCursor(state: CursorFiles, server: string, user: string): void {
  state.remove(cursorFile(server, user));
}

/** What the keeper reads: the greatest position the chat has handled, and when it moves. */
export interface CursorSource {
  readonly cursor: string | null;
  onEvent(listener: () => void): () => void;
}

/**
 * Saves a running chat's cursor: after an event moves it, once the current second of writes
 * is over (a burst of a thousand events is one write), and at once when stopped.
 */
export class CursorKeeper {
  readonly #source: CursorSource;
  readonly #save: (cursor: string) => void;
  readonly #everyMs: number;
  #saved: string | null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopListening: () => void;

  constructor(
    source: CursorSource,
    save: (cursor: string) => void,
    opts: { saved?: string | null; everyMs?: number } = {},
  ) {
    this.#source = source;
    this.#save = save;
    this.#saved = opts.saved ?? null;
    this.#everyMs = opts.everyMs ?? CURSOR_WRITE_MS;
    this.#stopListening = source.onEvent(() => this.#moved());
    // The session reply's cursor (or the one resumed from) is a place to come back to too.
    this.#moved();
  }

  /** Save what is unsaved and stop following the connection. */
  stop(): void {
    this.#stopListening();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#write();
  }

  #moved(): void {
    if (this.#timer || this.#source.cursor === this.#saved) return;
    this.#write();
    // Later moves within the interval are written together at its end.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#source.cursor !== this.#saved) this.#moved();
    }, this.#everyMs);
    this.#timer.unref?.();
  }

  #write(): void {
    const cursor = this.#source.cursor;
    if (cursor === null || cursor === this.#saved) return;
    this.#saved = cursor;
    this.#save(cursor);
  }
}
