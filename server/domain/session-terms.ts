/**
 * The terms of sessions: their bounds and defaults, how a client's name for itself is kept,
 * and the shapes Sessions shares with its callers.
 */
import { sanitizeText } from "../../shared/protocol.ts";
import type { SessionRecord, StoreOp } from "../store/store.ts";
import type { Conn } from "./types.ts";

/** The bounds of sessions (flags `--max-sessions`, `--session-ttl`). */
export interface SessionOptions {
  /** Sessions one user may hold; creating one more ends the least recently used. */
  maxPerUser: number;
  /** A session unused this long (ms) has expired. */
  ttlMs: number;
}

/** 50 sessions per user, expired after 90 days unused. */
export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  maxPerUser: 50,
  ttlMs: 90 * 24 * 3600 * 1000,
};

/** "Last used" is stored when it moved on by at least this much: at most one line an hour. */
export const LAST_USED_STEP_MS = 3600 * 1000;

/** How often expired sessions are swept out of the state and the store. */
export const SWEEP_EVERY_MS = 3600 * 1000;

/** The longest client description kept. */
export const CLIENT_MAX = 64;
/** The longest address kept. */
export const ADDRESS_MAX = 64;
/** Ended (or upgraded) sessions are stored in commits of at most this many ops. */
export const SWEEP_BATCH = 256;

/** What else goes with ending sessions: ops of the same commit, and the connection asking. */
export interface AlongWith {
  /** Ops of another record stored in the same commit. */
  ops?: StoreOp[];
  /** The connection whose request ends them: it gets its reply instead of a notice. */
  cause?: Conn;
}

/** A new session: the token for the client, the record for the store. */
export interface NewSession {
  token: string;
  session: SessionRecord;
}

/** A client's description of itself, made safe to store and print: one line, bounded. */
export function clientLabel(raw: string | undefined): string {
  if (raw === undefined) return "";
  return sanitizeText(raw).replace(/\s+/g, " ").trim().slice(0, CLIENT_MAX);
}
