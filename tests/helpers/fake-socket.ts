/**
 * A stand-in for the global WebSocket that a unit test of the client's connection drives by
 * hand, and useFakeSockets(), which puts it in place around each test and closes what the
 * test opened.
 */
import { afterEach, beforeEach, jest } from "bun:test";
import type { Connection } from "../../client/connection.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol.ts";

/** One frame as the fake socket saw or sends it. */
export type Frame = Record<string, unknown>;

/** A WebSocket whose server side the test plays. */
export class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket made since the test began, oldest first. */
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly sent: Frame[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;

  /** Made by the client in place of a real socket to `url`. */
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  /** What the client sends: kept, parsed, in `sent`. */
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Frame);
  }

  /** The client closes it. */
  close(): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1000, reason: "" });
  }

  /** The server accepts and says welcome. */
  accept(protocol = PROTOCOL_VERSION): void {
    this.readyState = FakeSocket.OPEN;
    this.deliver({ type: "welcome", server: "test", protocol });
  }

  /** The server sends `frame`. */
  deliver(frame: Frame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The connection is lost (or never made). */
  drop(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1006, reason: "" });
  }

  /** Reply to the last frame of `type` this socket sent. */
  reply(type: string, frame: Frame): void {
    const request = [...this.sent].reverse().find((f) => f.type === type);
    if (!request) throw new Error(`no '${type}' was sent`);
    this.deliver({ ...frame, replyTo: request.id });
  }
}

/** The socket the client made last. */
export function latest(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error("no socket was made");
  return socket;
}

/** Let the promise chains of what just happened run (no timers move). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/**
 * Put FakeSocket in place of WebSocket for each test of this file; after each, close the
 * connections pushed to the returned list, put the real WebSocket back and real timers.
 */
export function useFakeSockets(): Connection[] {
  const realWebSocket = globalThis.WebSocket;
  const opened: Connection[] = [];
  beforeEach(() => {
    FakeSocket.all = [];
    globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
  });
  afterEach(() => {
    for (const conn of opened.splice(0)) conn.close();
    globalThis.WebSocket = realWebSocket;
    jest.useRealTimers();
  });
  return opened;
}
