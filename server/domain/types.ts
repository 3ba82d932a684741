/** What the domain needs of the outside world: clock, crypto, hashing, publishing, logging. */
import type { ClientMode, ServerMessage } from "../../shared/protocol.ts";

/** An opaque timer handle returned by a Clock. */
export type TimerHandle = unknown;

/** Time, injected so that tests can move it by hand. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancel a timer; unknown or fired handles are ignored. */
  clearTimer(handle: TimerHandle): void;
}

/** Password hashing, injected: the real one (argon2id) runs off the event loop. */
export interface PasswordHasher {
  /** Hash a password. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`; false (never a throw) for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
}

/** Randomness and digests the domain needs, injected. */
export interface Crypto {
  /** A new session token (>= 128 random bits, URL-safe text). */
  newToken(): string;
  /** Hex SHA-256 of a token: the only form a token is stored in. */
  hashToken(token: string): string;
  /** A new message id, ordered by creation time. */
  newId(): string;
}

/**
 * Fan-out of events to topics (`room:<name>`, `user:<name>`), and the encoding of frames: the
 * domain hands over values and keeps, for catch-ups, the text it is given back.
 */
export interface Publisher {
  /** Send `msg` to every connection subscribed to `topic`. */
  publish(topic: string, msg: ServerMessage): void;
  /** Send `msg` to each of `topics` (encoded once for all of them). */
  publishEach(topics: Iterable<string>, msg: ServerMessage): void;
  /**
   * Send a stored event to each of `topics`, encoded once; returns the frame as sent, or
   * undefined when nothing was sent (a state being loaded: nobody listens yet).
   */
  publishEvent(topics: readonly string[], msg: ServerMessage): string | undefined;
  /** Send a stored event encoded already (`encode`) to each of `topics`; as `publishEvent`. */
  publishText(topics: readonly string[], text: string): string | undefined;
  /** The frame `msg` is sent as (a stored event a catch-up sends, encoded once and kept). */
  encode(msg: ServerMessage): string;
  /** One frame for a page of a catch-up: the `synced` closing it with `frames` inside it. */
  encodeBatch(synced: ServerMessage, frames: readonly string[]): string;
}

/** One client connection as the domain sees it. */
export interface Conn {
  /** Unique per process. */
  readonly id: string;
  /** Remote address, for rate limits and logs. */
  readonly address: string;
  /** The authenticated user, or null before authentication. */
  user: string | null;
  /** How the connection counts for presence. */
  mode: ClientMode;
  /** Hash of the session token this connection authenticated with. */
  tokenHash: string | null;
  /** Send one frame to this connection only. */
  send(msg: ServerMessage): void;
  /** Send an already serialised frame to this connection only. */
  sendText(text: string): void;
  /** Write the frames sent so far now (before anything published later). */
  flush(): void;
  /** Resolves once little is queued for the socket (or it closed): time for more. */
  whenDrained(): Promise<void>;
  /** Subscribe this connection to a topic (idempotent). */
  subscribe(topic: string): void;
  /** Unsubscribe this connection from a topic. */
  unsubscribe(topic: string): void;
  /**
   * Throw a ChatError unless this connection may be bound to `user` now: it is still open (one
   * that closed while its login was checked must never be bound) and within the quotas.
   */
  admit(user: string): void;
}

/** Logging, injected: one line per event, never a secret. */
export interface Logger {
  /** Log one event with optional key/value details. */
  info(event: string, details?: Record<string, unknown>): void;
  /** Log a failure with optional details. */
  error(event: string, details?: Record<string, unknown>): void;
}

/** The topic of a room. */
export function roomTopic(room: string): string {
  return `room:${room}`;
}

/** The topic of a user (DMs, notices, join requests). */
export function userTopic(user: string): string {
  return `user:${user}`;
}
