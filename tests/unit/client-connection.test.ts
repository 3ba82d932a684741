import { describe, expect, jest, test } from "bun:test";
import { Connection, type ServerEvent } from "../../client/connection.ts";
import { latest, settle, useFakeSockets } from "../helpers/fake-socket.ts";
import { ChatError, ConnectionError } from "../../client/errors.ts";

const opened = useFakeSockets();

// A request whose outcome the test does not wait for must not end as an unhandled rejection
// (its timer would fire during a later test).
const unawaited = (p: Promise<unknown>): void => {
  p.catch(() => {});
};

async function openWithToken(reconnect = false): Promise<Connection> {
  const opening = Connection.open({
    url: "ws://chat.test",
    timeoutMs: 1000,
    mode: "listen",
    token: "tok",
    reconnect,
  });
  latest().accept();
  await settle();
  latest().reply("auth", { type: "session", user: "alice", token: "tok" });
  const conn = await opening;
  opened.push(conn);
  return conn;
}

/**
 * A reconnecting connection whose socket dropped and whose next socket was dialled and
 * accepted (fake timers from the drop on); `seen` collects its events.
 */
async function droppedAndRedialled(): Promise<{ conn: Connection; seen: ServerEvent[] }> {
  const conn = await openWithToken(true);
  const seen: ServerEvent[] = [];
  conn.onEvent((e) => seen.push(e));
  jest.useFakeTimers();
  latest().drop();
  jest.advanceTimersByTime(800);
  latest().accept();
  await settle();
  return { conn, seen };
}

describe("Opening a connection", () => {
  test("waits for welcome, then authenticates with the token and the mode", async () => {
    const conn = await openWithToken();
    expect(latest().sent[0]).toMatchObject({ type: "auth", token: "tok", mode: "listen" });
    expect(conn.user).toBe("alice");
    expect(conn.state).toBe("open");
  });

  test("a socket closed before welcome is a connect error", async () => {
    const opening = Connection.open({ url: "ws://chat.test", timeoutMs: 1000, mode: "oneshot" });
    latest().drop();
    const err = (await opening.catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.kind).toBe("connect");
  });

  test("a refused token rejects with the server's code", async () => {
    const opening = Connection.open({
      url: "ws://x",
      timeoutMs: 1000,
      mode: "oneshot",
      token: "bad",
    });
    latest().accept();
    await settle();
    latest().reply("auth", { type: "error", code: "auth_failed", message: "no such session" });
    const err = await opening.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatError);
    expect((err as ChatError).code).toBe("auth_failed");
  });
});

describe("Requests and replies", () => {
  test("each request gets its own reply by id, in any order", async () => {
    const conn = await openWithToken();
    const rooms = conn.request({ type: "rooms" });
    const who = conn.request({ type: "who" });
    latest().reply("who", { type: "who", users: [] });
    latest().reply("rooms", { type: "rooms", rooms: [] });
    expect((await rooms).type).toBe("rooms");
    expect((await who).type).toBe("who");
  });

  test("an error reply rejects with ChatError carrying code and retryAfterMs", async () => {
    const conn = await openWithToken();
    const sending = conn.request({ type: "send", room: "r", text: "x" });
    latest().reply("send", {
      type: "error",
      code: "rate_limited",
      message: "slow",
      retryAfterMs: 900,
    });
    const err = (await sending.catch((e: unknown) => e)) as ChatError;
    expect(err.code).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(900);
  });

  test("send and dm get a client id when they have none", async () => {
    const conn = await openWithToken();
    unawaited(conn.request({ type: "send", room: "r", text: "x" }));
    unawaited(conn.request({ type: "dm", to: "bob", text: "x", clientId: "mine" }));
    expect(latest().sent.find((f) => f.type === "send")?.clientId).toBeString();
    expect(latest().sent.find((f) => f.type === "dm")?.clientId).toBe("mine");
  });

  test("no reply within the timeout rejects with a timeout error", async () => {
    const conn = await openWithToken();
    jest.useFakeTimers();
    const waiting = conn.request({ type: "rooms" });
    jest.advanceTimersByTime(1001);
    const err = (await waiting.catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.kind).toBe("timeout");
  });
});

describe("Pipelining behind authentication", () => {
  async function openBare(): Promise<Connection> {
    const opening = Connection.open({ url: "ws://chat.test", timeoutMs: 1000, mode: "oneshot" });
    latest().accept();
    const conn = await opening;
    opened.push(conn);
    return conn;
  }

  test("a request made while authenticating is sent at once and settles after the session", async () => {
    const conn = await openBare();
    const authed = conn.authenticate("tok");
    const sending = conn.request({ type: "send", room: "r", text: "x" });
    expect(latest().sent.map((f) => f.type)).toEqual(["auth", "send"]);
    latest().reply("send", {
      type: "sent",
      message: { id: "m", room: "r", from: "a", text: "x", ts: "t" },
    });
    let settled = false;
    void sending.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    latest().reply("auth", { type: "session", user: "alice", token: "tok" });
    await authed;
    expect((await sending).type).toBe("sent");
    expect(conn.user).toBe("alice");
  });

  test("when authentication fails, the waiting request fails with its error", async () => {
    const conn = await openBare();
    const authed = conn.authenticate("bad");
    const sending = conn.request({ type: "send", room: "r", text: "x" });
    latest().reply("auth", { type: "error", code: "auth_failed", message: "no such session" });
    latest().reply("send", { type: "error", code: "auth_required", message: "log in first" });
    expect(((await authed.catch((e: unknown) => e)) as ChatError).code).toBe("auth_failed");
    expect(((await sending.catch((e: unknown) => e)) as ChatError).code).toBe("auth_failed");
    expect(conn.state).toBe("closed");
  });
});

describe("Events", () => {
  test("frames without replyTo go to listeners; those before the first listener are kept for it", async () => {
    const conn = await openWithToken();
    latest().deliver({ type: "dm", id: "1", from: "bob", to: "alice", text: "early", ts: "t" });
    const seen: ServerEvent[] = [];
    conn.onEvent((e) => seen.push(e));
    await settle();
    latest().deliver({
      type: "presence",
      room: "r",
      online: ["bob"],
      idle: [],
      offline: [],
      away: {},
    });
    expect(seen.map((e) => e.type)).toEqual(["dm", "presence"]);
  });
});

describe("Reconnecting", () => {
  test("a dropped connection is dialled again, re-authenticated, and waiting requests are sent", async () => {
    const conn = await openWithToken(true);
    const states: string[] = [];
    conn.onState((s) => states.push(s));
    jest.useFakeTimers();
    const first = latest();
    const sending = conn.request({ type: "send", room: "r", text: "kept" });
    first.drop();
    expect(conn.state).toBe("reconnecting");
    jest.advanceTimersByTime(800);
    const second = latest();
    expect(second).not.toBe(first);
    second.accept();
    await settle();
    expect(second.sent[0]).toMatchObject({ type: "auth", token: "tok", mode: "listen" });
    second.reply("auth", { type: "session", user: "alice", token: "tok" });
    await settle();
    const resent = second.sent.find((f) => f.type === "send");
    expect(resent?.clientId).toBe(first.sent.find((f) => f.type === "send")?.clientId ?? "");
    second.reply("send", {
      type: "sent",
      message: { id: "m", room: "r", from: "alice", text: "kept", ts: "t" },
    });
    expect((await sending).type).toBe("sent");
    expect(states).toEqual(["reconnecting", "open"]);
  });

  test("while reconnecting, the time of the next attempt is known; none while dialling", async () => {
    const conn = await openWithToken(true);
    jest.useFakeTimers();
    expect(conn.nextRetryAt).toBeNull();
    latest().drop();
    const first = (conn.nextRetryAt ?? 0) - Date.now();
    expect(first).toBeGreaterThanOrEqual(375);
    expect(first).toBeLessThanOrEqual(625);
    jest.advanceTimersByTime(800);
    expect(conn.nextRetryAt).toBeNull();
    latest().drop();
    await settle();
    const second = (conn.nextRetryAt ?? 0) - Date.now();
    expect(second).toBeGreaterThanOrEqual(750);
    expect(second).toBeLessThanOrEqual(1250);
    conn.close();
    expect(conn.nextRetryAt).toBeNull();
  });

  test("a session refused on reconnect closes the connection and says why", async () => {
    const { conn, seen } = await droppedAndRedialled();
    latest().reply("auth", { type: "error", code: "auth_failed", message: "revoked" });
    await settle();
    expect(conn.state).toBe("closed");
    expect(seen).toContainEqual({ type: "error", code: "auth_failed", message: "revoked" });
  });

  test("a re-authentication refused as rate_limited waits retryAfterMs and tries again", async () => {
    const { conn, seen } = await droppedAndRedialled();
    const limited = latest();
    limited.reply("auth", {
      type: "error",
      code: "rate_limited",
      message: "slow",
      retryAfterMs: 4000,
    });
    await settle();
    expect(conn.state).toBe("reconnecting");
    const wait = (conn.nextRetryAt ?? 0) - Date.now();
    expect(wait).toBeGreaterThanOrEqual(4000);
    expect(wait).toBeLessThanOrEqual(5000);
    // Up to the attempt and just past it (not further: the new dial's own 1 s wait runs then).
    jest.advanceTimersByTime(wait - 100);
    expect(latest()).toBe(limited);
    jest.advanceTimersByTime(200);
    expect(latest()).not.toBe(limited);
    latest().accept();
    await settle();
    latest().reply("auth", { type: "session", user: "alice", token: "tok" });
    await settle();
    expect(conn.state).toBe("open");
    expect(seen.filter((e) => e.type === "error")).toEqual([]);
  });

  test("a server asking to wait for ever is asked again within minutes", async () => {
    const { rateLimitDelay } = await import("../../client/connection.ts");
    expect(rateLimitDelay(1e12, () => 1)).toBeLessThanOrEqual(6.25 * 60_000);
    expect(rateLimitDelay(-5, () => 0)).toBeGreaterThan(0);
    expect(rateLimitDelay(undefined, () => 0)).toBeGreaterThan(0);
  });

  test("without reconnect, a drop fails waiting requests and closes", async () => {
    const conn = await openWithToken(false);
    const waiting = conn.request({ type: "rooms" });
    latest().drop();
    const err = (await waiting.catch((e: unknown) => e)) as ConnectionError;
    expect(err.kind).toBe("closed");
    expect(conn.state).toBe("closed");
  });
});
