/** What the tests of bounded replies share: the size of a reply on the wire, and its types. */
import type { ServerMessage } from "../../shared/protocol.ts";

/** 1,024 bytes. */
export const KIB = 1024;

/** A `rooms` reply. */
export type RoomsReply = Extract<ServerMessage, { type: "rooms" }>;

/** The bytes of a reply as JSON text. */
export const replyBytes = (reply: unknown) =>
  Buffer.byteLength(JSON.stringify({ ...(reply as object) }));
