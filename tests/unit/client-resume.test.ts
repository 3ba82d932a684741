/** The connection's cursor: kept from the session, raised by events, sent on each reconnect. */
import { afterEach, beforeEach, describe, expect, jest, test } from "bun:test";
import { Connection, type ServerEvent } from "../../client/connection.ts";

type Frame = Record<string, unknown>;

/** A stand-in for the global WebSocket that the test drives by hand. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly sent: Frame[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Frame);
  }

  close(): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1000, reason: "" });
  }

  accept(): void {
    this.readyState = FakeSocket.OPEN;
    this.deliver({ type: "welcome", server: "test", protocol: 2 });
  }

  deliver(frame: Frame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  drop(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1006, reason: "" });
  }

  reply(type: string, frame: Frame): void {
    const request = [...this.sent].reverse().find((f) => f.type === type);
    if (!request) throw new Error(`no '${type}' was sent`);
    this.deliver({ ...frame, replyTo: request.id });
  }
}

const realWebSocket = globalThis.WebSocket;
const latest = (): FakeSocket => FakeSocket.all.at(-1) as FakeSocket;
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
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

const seq = (n: number) => String(n).padStart(16, "0");

async function open(since?: string): Promise<Connection> {
  const opening = Connection.open({
    url: "ws://chat.test",
    timeoutMs: 1000,
    mode: "listen",
    token: "tok",
    reconnect: true,
    resume: true,
    ...(since === undefined ? {} : { since }),
  });
  latest().accept();
  await settle();
  latest().reply("auth", { type: "session", user: "alice", token: "tok", cursor: seq(10) });
  const conn = await opening;
  opened.push(conn);
  return conn;
}

// Drop the connection, let the reconnect dial, and return the new socket's auth frame.
async function reconnectAuth(): Promise<Frame> {
  latest().drop();
  jest.advanceTimersByTime(800);
  latest().accept();
  await settle();
  return latest().sent.find((f) => f.type === "auth")!;
}

describe("Resuming through the cursor", () => {
  test("the session's cursor, raised by each seq and synced, is the since of the reconnect", async () => {
    const conn = await open();
    expect(latest().sent[0]).not.toHaveProperty("since");
    expect(conn.cursor).toBe(seq(10));
    latest().deliver({
      type: "message",
      id: "m",
      room: "r",
      from: "b",
      text: "x",
      ts: "t",
      seq: seq(12),
    });
    latest().deliver({ type: "presence", user: "b", status: "online" });
    latest().deliver({ type: "synced", cursor: seq(14), more: false, truncated: [] });
    latest().deliver({ type: "member", room: "r", user: "b", event: "left", seq: seq(13) });
    expect(conn.cursor).toBe(seq(14));
    jest.useFakeTimers();
    expect(await reconnectAuth()).toMatchObject({ type: "auth", token: "tok", since: seq(14) });
  });

  test("--since is sent on the first authentication", async () => {
    await open(seq(3));
    expect(FakeSocket.all[0]!.sent[0]).toMatchObject({ type: "auth", since: seq(3) });
  });

  test("a cursor the server refuses is dropped, said, and the next attempt goes without it", async () => {
    const conn = await open();
    const seen: ServerEvent[] = [];
    conn.onEvent((e) => seen.push(e));
    jest.useFakeTimers();
    await reconnectAuth();
    latest().reply("auth", { type: "error", code: "bad_request", message: "unknown cursor" });
    await settle();
    expect(conn.cursor).toBeNull();
    expect(seen).toContainEqual({ type: "error", code: "bad_request", message: "unknown cursor" });
    const sockets = FakeSocket.all.length;
    // The second attempt's backoff (about 1 s), short of the new socket's connect timeout.
    jest.advanceTimersByTime(1300);
    expect(FakeSocket.all.length).toBe(sockets + 1);
    latest().accept();
    await settle();
    expect(latest().sent.find((f) => f.type === "auth")).not.toHaveProperty("since");
    latest().reply("auth", { type: "session", user: "alice", token: "tok", cursor: seq(20) });
    await settle();
    expect(conn.state).toBe("open");
    expect(conn.cursor).toBe(seq(20));
  });
});
