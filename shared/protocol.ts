/**
 * The wire protocol between the chat server and its clients.
 *
 * Every frame is one JSON object with a `type`. Client -> server frames are verbs
 * (`send`, `join`); server -> client frames are nouns (`message`, `joined`, `error`).
 * A request may carry `id`; its reply echoes it as `replyTo`. It imports nothing outside
 * shared/. Its parts live beside it and are re-exported here, so that both sides import
 * the protocol from one place: the error codes (error-codes.ts), the records the frames
 * carry (entities.ts), the two unions of frames (client-messages.ts, server-messages.ts)
 * and the name and text rules (sanitize.ts). The frame parsers (parse.ts) import these
 * types, so they are imported from parse.ts.
 */

export type { ClientMessage, ClientMessageType } from "./client-messages.ts";
export type {
  ChatMessage,
  ClientMode,
  ConversationInfo,
  DirectMessage,
  JoinRequest,
  PresenceEvent,
  PresenceUser,
  Role,
  RoomInfo,
  SessionInfo,
  Status,
  Truncation,
  WhoEntry,
} from "./entities.ts";
export { ErrorCode, EXIT_CODE_FOR_ERROR, isErrorCode } from "./error-codes.ts";
export { normalizeRoomName, normalizeUserName, sanitizeText } from "./sanitize.ts";
export type { ServerMessage, ServerMessageType } from "./server-messages.ts";

/** Protocol revision, sent in the `welcome` frame. */
export const PROTOCOL_VERSION = 2;

/** Limits shared by both sides. */
export const LIMITS = {
  nameMax: 32,
  textMax: 4000,
  passwordMin: 8,
  passwordMax: 1024,
  topicMax: 200,
  /** An away message, in characters. */
  awayMax: 200,
  clientIdMax: 64,
  requestIdMax: 64,
  /** Largest frame the server accepts, in bytes. */
  frameMax: 64 * 1024,
} as const;
