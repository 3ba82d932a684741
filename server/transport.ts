import type { BunFile, Server, ServerWebSocket } from "bun";
import { LIMITS, parseClientMessage, PROTOCOL_VERSION, ProtocolError } from "../shared/protocol.ts";
import type { ClientMessage, ClientMode, ServerMessage } from "../shared/protocol.ts";
import type { Chat } from "./domain/chat.ts";
import { ChatError } from "./domain/errors.ts";
import { RateLimiter } from "./domain/rate-limit.ts";
import type { Conn, Logger, Publisher } from "./domain/types.ts";
import { AUTH_TYPES, dispatch } from "./handlers.ts";
import { SYSTEM_CLOCK } from "./platform.ts";

/** Close codes the server uses besides 1001 (shutting down). */
export const CLOSE_CODES = { slowReader: 4008, flood: 4029 } as const;

// A reader with more than SLOW_READER_BYTES queued is too slow: it is closed with 4008, so it
// reconnects and catches up from history. Sockets are checked every SWEEP_MS, and at most
// every SWEEP_SOON_MS while a publish or send reports backpressure. Past BACKPRESSURE_LIMIT
// (a per-socket memory cap) frames to that socket are dropped until the check closes it.
const SLOW_READER_BYTES = 1024 * 1024;
const BACKPRESSURE_LIMIT = 4 * 1024 * 1024;
const SWEEP_MS = 250;
const SWEEP_SOON_MS = 10;
// Frames up to this size are read and, past LIMITS.frameMax, answered bad_request; only larger
// ones close the connection (1009), so an oversized frame gets an error reply (SPEC 2.5).
const FRAME_READ_MAX = 1024 * 1024;

interface ConnData {
  id: string;
  address: string;
  conn: WsConn | null;
  // Frames wait here while a register/login/auth of the same connection is in flight.
  queue: Promise<void> | null;
}

type Socket = ServerWebSocket<ConnData>;

/** Publishes through Bun's native topics: one JSON.stringify and one publish per event. */
export class BunPublisher implements Publisher {
  server: Server<ConnData> | null = null;
  /** Called when a subscriber could not take a frame at once (queued or dropped). */
  onBackpressure: () => void = () => {};

  /** Serialise once, publish once, uncompressed. */
  publish(topic: string, msg: ServerMessage): void {
    this.publishEach([topic], msg);
  }

  /** Serialise once, publish once per topic, uncompressed. */
  publishEach(topics: Iterable<string>, msg: ServerMessage): void {
    const server = this.server;
    if (server === null) return;
    let text: string | null = null;
    for (const topic of topics) {
      text ??= JSON.stringify(msg);
      if (server.publish(topic, text, false) <= 0) this.onBackpressure();
    }
  }
}

class WsConn implements Conn {
  readonly id: string;
  readonly address: string;
  user: string | null = null;
  mode: ClientMode = "oneshot";
  tokenHash: string | null = null;
  #ws: Socket;

  constructor(ws: Socket) {
    this.#ws = ws;
    this.id = ws.data.id;
    this.address = ws.data.address;
  }

  send(msg: ServerMessage): void {
    sendText(this.#ws, JSON.stringify(msg));
  }

  subscribe(topic: string): void {
    if (this.#ws.readyState === 1) this.#ws.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    if (this.#ws.readyState === 1) this.#ws.unsubscribe(topic);
  }
}

let onSendBackpressure: () => void = () => {};

function sendText(ws: Socket, text: string): void {
  if (ws.send(text, false) <= 0) onSendBackpressure();
}

/** What the transport needs. */
export interface TransportOptions {
  hostname: string;
  port: number;
  tls?: { cert: BunFile; key: BunFile };
  chat: Chat;
  publisher: BunPublisher;
  log: Logger;
  /** Close connections that flood the server with frames (off with --no-rate-limit). */
  isFloodGuarded: boolean;
}

/** A running server. */
export interface Transport {
  server: Server<ConnData>;
  url: string;
  /** Refuse new connections and close every socket with 1001. */
  stop(): void;
}

/** Start Bun.serve with the chat WebSocket endpoint on any path and GET /health. */
export function startTransport(opts: TransportOptions): Transport {
  const { chat, log } = opts;
  const sockets = new Set<Socket>();
  const frames = new RateLimiter({ burst: 200, perSecond: 50 }, SYSTEM_CLOCK);
  const badFrames = new RateLimiter({ burst: 20, perSecond: 2 }, SYSTEM_CLOCK);
  let nextId = 0;
  const started = Date.now();

  const reply = (ws: Socket, msg: ServerMessage, id: string | undefined): void => {
    sendText(ws, JSON.stringify(id === undefined ? msg : { ...msg, replyTo: id }));
  };

  const fail = (ws: Socket, err: unknown, id: string | undefined): void => {
    let msg: ServerMessage;
    if (err instanceof ChatError) {
      msg = { type: "error", code: err.code, message: err.message };
      if (err.retryAfterMs !== undefined) msg.retryAfterMs = err.retryAfterMs;
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
    ws.close(CLOSE_CODES.flood, "too many frames");
  };

  const run = async (ws: Socket, msg: ClientMessage): Promise<void> => {
    try {
      reply(ws, await dispatch(chat, ws.data.conn!, msg), msg.id);
    } catch (err) {
      fail(ws, err, msg.id);
    }
  };

  const handle = (ws: Socket, raw: string | Buffer): Promise<void> | undefined => {
    if (ws.readyState !== 1) return;
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
      fail(ws, new ChatError("bad_request", text), peekHeadId(raw));
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
      const data: ConnData = { id: `c${++nextId}`, address, conn: null, queue: null };
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
        ws.data.conn = new WsConn(ws);
        sockets.add(ws);
        log.info("connect", { conn: ws.data.id, address: ws.data.address });
        sendText(
          ws,
          JSON.stringify({ type: "welcome", server: "chat", protocol: PROTOCOL_VERSION }),
        );
      },
      message(ws, raw) {
        guard(ws, frames);
        enqueue(ws, raw);
      },
      close(ws, code) {
        sockets.delete(ws);
        const conn = ws.data.conn;
        const user = conn?.user ?? undefined;
        if (conn) chat.detach(conn);
        log.info("disconnect", { conn: ws.data.id, user, code });
      },
    },
  });
  opts.publisher.server = server;

  const closeSlowReaders = (): void => {
    for (const ws of sockets) {
      if (ws.readyState === 1 && ws.getBufferedAmount() > SLOW_READER_BYTES) {
        log.info("slow_reader", { conn: ws.data.id, user: ws.data.conn?.user ?? undefined });
        ws.close(CLOSE_CODES.slowReader, "too slow reading: reconnect and fetch history");
      }
    }
  };
  const sweep = setInterval(closeSlowReaders, SWEEP_MS);
  sweep.unref();
  let isSweepDue = false;
  const sweepSoon = (): void => {
    if (isSweepDue) return;
    isSweepDue = true;
    setTimeout(() => {
      isSweepDue = false;
      closeSlowReaders();
    }, SWEEP_SOON_MS).unref();
  };
  opts.publisher.onBackpressure = sweepSoon;
  onSendBackpressure = sweepSoon;

  const scheme = opts.tls ? "wss" : "ws";
  return {
    server,
    url: `${scheme}://${opts.hostname}:${server.port}`,
    stop() {
      clearInterval(sweep);
      server.stop(true);
    },
  };
}

// The request id of a frame that failed validation, when it has a usable one.
function peekId(raw: string): string | undefined {
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
    const id = (data as Record<string, unknown>).id;
    return typeof id === "string" && id.length <= LIMITS.requestIdMax ? id : undefined;
  } catch {
    return undefined;
  }
}

// The request id near either end of an oversized frame, found without parsing all of it.
function peekHeadId(raw: string): string | undefined {
  const re = /"id"\s*:\s*"([^"\\]{1,64})"/;
  return (re.exec(raw.slice(0, 512)) ?? re.exec(raw.slice(-512)))?.[1];
}
