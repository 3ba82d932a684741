import type { BunFile, Server } from "bun";
import { LIMITS, parseClientMessage, PROTOCOL_VERSION, ProtocolError } from "../shared/protocol.ts";
import type { ClientMessage, ServerMessage } from "../shared/protocol.ts";
import type { Chat } from "./domain/chat.ts";
import { SentAck } from "./domain/messages.ts";
import { ChatError } from "../shared/errors.ts";
import { RateLimiter } from "./domain/rate-limit.ts";
import type { Logger } from "./domain/types.ts";
import { afterReply, AUTH_TYPES, dispatch } from "./handlers.ts";
import { SYSTEM_CLOCK } from "./platform.ts";
import { BACKPRESSURE_LIMIT, CLOSE_CODES, Outbox, peekId, SlowReaders, WsConn } from "./sockets.ts";
import type { BunPublisher, ConnData, Socket } from "./sockets.ts";

// Frames up to this size are read and, past LIMITS.frameMax, answered bad_request; only larger
// ones close the connection (1009), so an oversized frame gets an error reply (SPEC 2.5).
const FRAME_READ_MAX = 1024 * 1024;
/** On stop, how long requests in progress (a send waiting for the disk) may take to finish. */
const DRAIN_MS = 5000;
/**
 * One address may hold at most this many unauthenticated connections at once (while rate
 * limits are on); with the authentication deadline, connections that never log in cannot
 * pile up.
 */
const MAX_UNAUTHENTICATED_PER_ADDRESS = 64;

/** What the transport needs. */
export interface TransportOptions {
  hostname: string;
  port: number;
  tls?: { cert: BunFile; key: BunFile };
  chat: Chat;
  publisher: BunPublisher;
  log: Logger;
  /**
   * Close connections that flood the server with frames, and refuse an address's connections
   * past MAX_UNAUTHENTICATED_PER_ADDRESS waiting to log in (off with --no-rate-limit).
   */
  isFloodGuarded: boolean;
  /** A connection not authenticated after this long is closed (4408); a person may be slow. */
  authDeadlineMs: number;
}

/** A running server. */
export interface Transport {
  server: Server<ConnData>;
  url: string;
  /**
   * Refuse new connections and new requests, answer the requests in progress (for at most
   * DRAIN_MS), then close every socket with 1001.
   */
  stop(): Promise<void>;
}

/** Start Bun.serve with the chat WebSocket endpoint on any path and GET /health. */
export function startTransport(opts: TransportOptions): Transport {
  const { chat, log } = opts;
  const sockets = new Set<Socket>();
  const frames = new RateLimiter({ burst: 200, perSecond: 50 }, SYSTEM_CLOCK);
  const badFrames = new RateLimiter({ burst: 20, perSecond: 2 }, SYSTEM_CLOCK);
  const slow = new SlowReaders(sockets, log);
  const outbox = new Outbox();
  opts.publisher.onBackpressure = () => slow.soon();
  let nextId = 0;
  const started = Date.now();
  let inFlight = 0;
  let isStopping = false;
  let onDrained: (() => void) | null = null;
  const unauthenticated = new Map<string, number>();
  const refusedAddresses = new Set<string>();

  // Count the socket as unauthenticated (or no longer) and arm (or clear) its deadline.
  const setUnauthenticated = (ws: Socket, isUnauthenticated: boolean): void => {
    const d = ws.data;
    if (isUnauthenticated === (d.authTimer !== null)) return;
    const count = (unauthenticated.get(d.address) ?? 0) + (isUnauthenticated ? 1 : -1);
    if (count > 0) unauthenticated.set(d.address, count);
    else unauthenticated.delete(d.address);
    if (count < MAX_UNAUTHENTICATED_PER_ADDRESS) refusedAddresses.delete(d.address);
    if (!isUnauthenticated) {
      clearTimeout(d.authTimer!);
      d.authTimer = null;
      return;
    }
    d.authTimer = setTimeout(() => {
      log.info("auth_timeout", { conn: d.id, address: d.address });
      ws.close(CLOSE_CODES.authTimeout, "not authenticated in time");
    }, opts.authDeadlineMs);
  };

  // Every reply is a fresh object from its handler, so replyTo is set on it without a copy.
  const reply = (ws: Socket, msg: ServerMessage, id: string | undefined): void => {
    if (msg instanceof SentAck) return ws.data.conn?.sendText(msg.frame(id));
    if (id !== undefined) (msg as { replyTo?: string }).replyTo = id;
    ws.data.conn?.sendText(JSON.stringify(msg));
  };

  const fail = (ws: Socket, err: unknown, id: string | undefined): void => {
    let msg: ServerMessage;
    if (err instanceof ChatError) {
      msg = { type: "error", code: err.code, message: err.message };
      if (err.retryAfterMs !== undefined) msg.retryAfterMs = err.retryAfterMs;
      log.info("refused", {
        conn: ws.data.id,
        user: ws.data.conn?.user ?? undefined,
        code: err.code,
        reason: err.message,
      });
      if (err.code === "bad_request" || err.code === "auth_required") guard(ws, badFrames);
    } else {
      log.error("internal", {
        conn: ws.data.id,
        error: err instanceof Error ? err.stack : String(err),
      });
      msg = { type: "error", code: "internal", message: "internal server error" };
    }
    reply(ws, msg, id);
  };

  const guard = (ws: Socket, limiter: RateLimiter): void => {
    if (!opts.isFloodGuarded || limiter.take(ws.data.id) === 0) return;
    log.info("flood", { conn: ws.data.id, address: ws.data.address });
    ws.data.conn?.flush(); // the replies so far go out before the close
    ws.close(CLOSE_CODES.flood, "too many frames");
  };

  const logAfterReply = (conn: WsConn, err: unknown): void => {
    // The request was answered already; what follows it is best effort and retried next time.
    log.error("after_reply", {
      conn: conn.id,
      error: err instanceof Error ? err.stack : String(err),
    });
  };

  // Answer a request (its reply, or the error it threw) and run what follows the reply.
  const settle = (
    ws: Socket,
    conn: WsConn,
    msg: ClientMessage,
    isOk: boolean,
    value: unknown,
  ): Promise<void> | undefined => {
    try {
      if (isOk) reply(ws, value as ServerMessage, msg.id);
      else fail(ws, value, msg.id);
    } catch (err) {
      isOk = false;
      fail(ws, err, msg.id);
    } finally {
      if (--inFlight === 0) onDrained?.();
      // Also after other requests: a logout elsewhere may have unbound this connection.
      if (ws.readyState === 1) setUnauthenticated(ws, conn.user === null);
    }
    if (!isOk) return;
    try {
      return afterReply(chat, conn, msg)?.catch((err: unknown) => logAfterReply(conn, err));
    } catch (err) {
      logAfterReply(conn, err);
    }
  };

  // A request answered at once is answered in this turn; one that waits (for the disk, for
  // password hashing) is answered when its promise settles: one promise per request, no more.
  const run = (ws: Socket, msg: ClientMessage): Promise<void> | undefined => {
    const conn = ws.data.conn!;
    inFlight++;
    let result: ServerMessage | Promise<ServerMessage>;
    try {
      result = dispatch(chat, conn, msg);
    } catch (err) {
      return settle(ws, conn, msg, false, err);
    }
    if (!(result instanceof Promise)) return settle(ws, conn, msg, true, result);
    return result.then(
      (value) => settle(ws, conn, msg, true, value),
      (err: unknown) => settle(ws, conn, msg, false, err),
    );
  };

  const handle = (ws: Socket, raw: string | Buffer): Promise<void> | undefined => {
    // While stopping, requests in progress are answered but no new one is started.
    if (ws.readyState !== 1 || isStopping) return;
    if (typeof raw !== "string") {
      fail(
        ws,
        new ChatError("bad_request", "binary frames are not accepted: send JSON text"),
        undefined,
      );
      return;
    }
    if (raw.length > LIMITS.frameMax / 3 && Buffer.byteLength(raw) > LIMITS.frameMax) {
      const text = `frame is larger than ${LIMITS.frameMax} bytes`;
      fail(ws, new ChatError("bad_request", text), peekId(raw));
      return;
    }
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(raw);
    } catch (err) {
      const text = err instanceof ProtocolError ? err.message : "malformed frame";
      fail(ws, new ChatError("bad_request", text), peekId(raw));
      return;
    }
    const done = run(ws, msg);
    return AUTH_TYPES.has(msg.type) ? done : undefined;
  };

  const enqueue = (ws: Socket, raw: string | Buffer): void => {
    const d = ws.data;
    const prior = d.queue;
    const next = prior === null ? handle(ws, raw) : prior.then(() => handle(ws, raw));
    if (next === undefined) return;
    d.queue = next;
    void next.then(() => {
      if (d.queue === next) d.queue = null;
    });
  };

  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    ...(opts.tls ? { tls: opts.tls } : {}),
    fetch(req, srv) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname === "/health" && !req.headers.get("upgrade")) {
        return Response.json({
          status: "ok",
          protocol: PROTOCOL_VERSION,
          connections: sockets.size,
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
        });
      }
      const address = srv.requestIP(req)?.address ?? "unknown";
      const waiting = unauthenticated.get(address) ?? 0;
      if (opts.isFloodGuarded && waiting >= MAX_UNAUTHENTICATED_PER_ADDRESS) {
        // Logged once until the address is back under the limit: a flood must not fill the log.
        if (!refusedAddresses.has(address)) log.info("refused_connections", { address });
        refusedAddresses.add(address);
        return new Response("too many connections waiting to log in from this address\n", {
          status: 429,
        });
      }
      const data: ConnData = {
        id: `c${++nextId}`,
        address,
        conn: null,
        queue: null,
        behindSince: null,
        authTimer: null,
      };
      if (srv.upgrade(req, { data })) return undefined;
      return new Response("chat server: connect with a WebSocket client\n", { status: 426 });
    },
    websocket: {
      data: {} as ConnData,
      maxPayloadLength: FRAME_READ_MAX,
      perMessageDeflate: false,
      backpressureLimit: BACKPRESSURE_LIMIT,
      closeOnBackpressureLimit: false,
      open(ws) {
        ws.data.conn = new WsConn(ws, outbox, () => slow.soon());
        sockets.add(ws);
        setUnauthenticated(ws, true);
        log.info("connect", { conn: ws.data.id, address: ws.data.address });
        ws.data.conn.send({ type: "welcome", server: "chat", protocol: PROTOCOL_VERSION });
      },
      message(ws, raw) {
        guard(ws, frames);
        enqueue(ws, raw);
      },
      close(ws, code) {
        sockets.delete(ws);
        setUnauthenticated(ws, false);
        const conn = ws.data.conn;
        const user = conn?.user ?? undefined;
        if (conn) chat.detach(conn);
        log.info("disconnect", { conn: ws.data.id, user, code });
      },
    },
  });
  opts.publisher.server = server;

  const scheme = opts.tls ? "wss" : "ws";
  const host = opts.hostname.includes(":") ? `[${opts.hostname}]` : opts.hostname;
  return {
    server,
    url: `${scheme}://${host}:${server.port}`,
    async stop() {
      isStopping = true;
      slow.stop();
      void server.stop(); // no new connections; the open ones are closed below
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          onDrained = resolve;
          setTimeout(resolve, DRAIN_MS).unref();
        });
      }
      outbox.flush();
      server.stop(true);
    },
  };
}
