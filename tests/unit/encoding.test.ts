/** Frames as text: the acknowledgement of a message carries its fields exactly as its event did. */
import { describe, expect, test } from "bun:test";
import { messageEvent, sentAck } from "../../server/domain/message-wire.ts";
import type { StoredMessage } from "../../server/store/store.ts";
import { BATCH } from "../../server/domain/catch-up.ts";
import type { SyncedMessage } from "../../server/domain/catch-up.ts";
import { encodeBatch, encodeFrame, encodeReply } from "../../server/encoding.ts";
import type { ChatMessage, ServerMessage } from "../../shared/protocol.ts";

const message: ChatMessage = {
  id: "0190a000-0000-7000-8000-000000000001",
  room: "lobby",
  from: "alice",
  text: 'a "quoted" text \u00e9',
  ts: "2026-11-29T12:00:00.000Z",
  seq: "0000000000000007",
};

// The message as stored (its seq a number; the wire form is the 16 digits).
const stored: StoredMessage = { ...message, seq: 7 };

describe("encoding frames", () => {
  test("a message's event is its wire form with its type first", () => {
    expect(encodeFrame(messageEvent(stored))).toBe(JSON.stringify({ type: "message", ...message }));
  });

  test("the sent acknowledgement reuses the published event's text, with replyTo", () => {
    const event = encodeFrame(messageEvent(stored));
    const ack = encodeReply(sentAck(stored, event), "r1");
    expect(JSON.parse(ack)).toEqual({ type: "sent", message, replyTo: "r1" });
    // The message's fields byte for byte as the event carried them.
    expect(ack).toContain(event.slice(`{"type":"message",`.length, -1));
    expect(encodeReply(sentAck(stored, event), undefined)).toBe(
      JSON.stringify({ type: "sent", message }),
    );
    // Read as a value, it is the message too (built only when read).
    expect(sentAck(stored, event).message).toEqual(message);
  });

  test("an acknowledgement without a published frame (a resend) says the same", () => {
    const event = encodeFrame(messageEvent(stored));
    expect(encodeReply(sentAck(stored, undefined), "r2")).toBe(
      encodeReply(sentAck(stored, event), "r2"),
    );
  });

  test("a batched page is its synced frame with the events' texts inside, as they were", () => {
    const events = [
      encodeFrame({ type: "message", ...message }),
      encodeFrame({ type: "message", ...message, id: "x", text: "\u2028\u0000" }),
    ];
    const synced = { type: "synced", cursor: "0000000000000009", more: true, truncated: [] };
    const page = encodeBatch(synced as ServerMessage, events);
    expect(JSON.parse(page)).toEqual({ ...synced, events: events.map((e) => JSON.parse(e)) });
    expect(page).toContain(`[${events.join(",")}]`);
    expect(JSON.parse(encodeBatch(synced as ServerMessage, [], "r4"))).toEqual({
      ...synced,
      replyTo: "r4",
      events: [],
    });
  });

  test("the reply to a batched sync carries replyTo and the events", () => {
    const event = encodeFrame({ type: "message", ...message });
    const cursor = "0000000000000007";
    const synced: SyncedMessage = { type: "synced", cursor, more: false, truncated: [] };
    synced[BATCH] = [event];
    expect(JSON.parse(encodeReply(synced, "r5"))).toEqual({
      type: "synced",
      cursor,
      more: false,
      truncated: [],
      replyTo: "r5",
      events: [{ type: "message", ...message }],
    });
  });

  test("any other reply gets its replyTo", () => {
    expect(JSON.parse(encodeReply({ type: "ok" }, "r3"))).toEqual({ type: "ok", replyTo: "r3" });
  });
});
