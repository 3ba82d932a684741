/** The connection's cursor: kept from the session, raised by events, sent on each reconnect. */
import { describe, expect, jest, test } from "bun:test";
import { Connection, type ServerEvent } from "../../client/connection.ts";
import { FakeSocket, type Frame, latest, settle, useFakeSockets } from "../helpers/fake-socket.ts";

const opened = useFakeSockets();

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
    latest().deliver({
      type: "presence",
      room: "r",
      online: ["b"],
      idle: [],
      offline: [],
      away: {},
    });
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
