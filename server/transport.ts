/**
 * The transport: Bun.serve with the chat WebSocket endpoint on any path and GET /health. It
 * only translates: admission decides who may connect and stay, the pipeline answers frames.
 */
import type { BunFile, Server } from "bun";
import { PROTOCOL_VERSION } from "../shared/protocol.ts";
import { VERSION } from "../shared/version.ts";
import type { Chat } from "./domain/chat.ts";
import type { Logger } from "./domain/types.ts";
import { Admission } from "./admission.ts";
import type { SharedCounts } from "./admission.ts";
import type { AdmissionLimits } from "./admission.ts";
import { Pipeline } from "./pipeline.ts";
import type { PipelineLimits } from "./request-limits.ts";
import { clientAddress } from "./forwarded.ts";
import type { TrustedProxies } from "./forwarded.ts";
import { SYSTEM_CLOCK } from "./platform.ts";
import { BACKPRESSURE_LIMIT, Outbox, WsConn } from "./sockets.ts";
import { SlowReaders } from "./slow-readers.ts";
import type { BunPublisher, ConnData, Socket } from "./sockets.ts";

// Frames up to this size are read and, past LIMITS.frameMax, answered bad_request; only larger
// ones close the connection (1009), so an oversized frame gets an error reply (SPEC 2.5).
const FRAME_READ_MAX = 1024 * 1024;
const NO_PROXIES: TrustedProxies = new Set();

/** What the transport needs. */
export interface TransportOptions {
  hostname: string;
  port: number;
  tls?: { cert: BunFile; key: BunFile };
  chat: Chat;
  publisher: BunPublisher;
  log: Logger;
  /** Per-address and per-user connection bounds and the login deadline. */
  admission: AdmissionLimits;
  /** Request rate limits and the malformed-frame close. */
  requests: PipelineLimits;
  /** Proxies whose forwarding headers name the client's address; none when absent. */
  trustedProxies?: TrustedProxies;
  /** The other instances' connection counts, in a cluster (the quotas hold for all). */
  sharedCounts?: SharedCounts;
}

/** A running server. */
export interface Transport {
  server: Server<ConnData>;
  url: string;
  /**
   * Refuse new connections and new requests, answer the requests in progress (for a few
   * seconds at most), then close every socket with 1001.
   */
  stop(): Promise<void>;
}

/** The endpoint: one method per event of Bun.serve (a request; a socket's open, frame, close). */
class Endpoint {
  readonly sockets = new Set<Socket>();
  readonly outbox = new Outbox();
  readonly slow: SlowReaders;
  #opts: TransportOptions;
  #admission: Admission;
  #pipeline: Pipeline;
  #started = Date.now();
  #nextId = 0;

  constructor(opts: TransportOptions, admission: Admission, pipeline: Pipeline) {
    this.#opts = opts;
    this.#admission = admission;
    this.#pipeline = pipeline;
    this.slow = new SlowReaders(this.sockets, opts.log);
  }

  fetch(req: Request, srv: Server<ConnData>): Response | undefined {
    if (req.method === "GET" && pathOf(req) === "/health" && !req.headers.get("upgrade")) {
      return Response.json({
        status: "ok",
        protocol: PROTOCOL_VERSION,
        version: VERSION,
        connections: this.sockets.size,
        uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
      });
    }
    // Every per-address count and limit, and the log, use the client's address behind a proxy.
    const peer = srv.requestIP(req)?.address ?? "unknown";
    const address = clientAddress(peer, req.headers, this.#opts.trustedProxies ?? NO_PROXIES);
    const refusal = this.#admission.refuseUpgrade(address);
    if (refusal !== null) return refusal;
    const data: ConnData = {
      id: `c${++this.#nextId}`,
      address,
      conn: null,
      queue: null,
      queuedSize: 0,
      behindSince: null,
      authTimer: null,
      countedAs: null,
    };
    if (srv.upgrade(req, { data })) return undefined;
    return new Response("chat server: connect with a WebSocket client\n", { status: 426 });
  }

  open(ws: Socket): void {
    const admission = this.#admission;
    ws.data.conn = new WsConn(ws, this.outbox, {
      onBackpressure: () => this.slow.soon(),
      checkQuota: (user) => admission.checkQuota(ws.data.address, user),
      onStanding: () => admission.update(ws),
    });
    this.sockets.add(ws);
    admission.update(ws);
    this.#opts.log.info("connect", { conn: ws.data.id, address: ws.data.address });
    ws.data.conn.send({ type: "welcome", server: "chat", protocol: PROTOCOL_VERSION });
  }

  message(ws: Socket, raw: string | Buffer): void {
    this.#pipeline.message(ws, raw);
  }

  close(ws: Socket, code: number): void {
    this.sockets.delete(ws);
    const conn = ws.data.conn;
    const user = conn?.user ?? undefined;
    // Closed first, so that nothing binds it again (a login still being checked).
    conn?.markClosed();
    if (conn) this.#opts.chat.detach(conn);
    this.#opts.log.info("disconnect", { conn: ws.data.id, address: ws.data.address, user, code });
  }
}

// The path of a request; an HTTP/1.0 request without a Host header has a bare path as its URL.
function pathOf(req: Request): string {
  try {
    return new URL(req.url, "http://localhost").pathname;
  } catch {
    return "";
  }
}

/**
 * The answer to an error thrown while serving HTTP: its stack goes to the log, the client gets
 * a plain 500 that shows nothing of the code (never Bun's error page with source and paths).
 */
export function httpErrorResponse(err: Error, log: Logger): Response {
  log.error("http_error", { error: err.stack ?? String(err) });
  return new Response("internal server error\n", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** Start Bun.serve with the chat WebSocket endpoint on any path and GET /health. */
export function startTransport(opts: TransportOptions): Transport {
  const admission = new Admission(opts.admission, opts.log, opts.sharedCounts ?? null);
  const deps = { chat: opts.chat, log: opts.log, admission, clock: SYSTEM_CLOCK };
  const pipeline = new Pipeline(deps, opts.requests);
  const endpoint = new Endpoint(opts, admission, pipeline);
  opts.publisher.onBackpressure = () => endpoint.slow.soon();
  // Sync and catch-up pages are paid from the request buckets the pipeline keeps.
  opts.chat.chargeFrames = (user, frames) => pipeline.chargeFrames(user, frames);

  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    ...(opts.tls ? { tls: opts.tls } : {}),
    // Never Bun's development error page: it shows source lines and paths.
    development: false,
    fetch: (req, srv) => endpoint.fetch(req, srv),
    error: (err) => httpErrorResponse(err, opts.log),
    websocket: {
      data: {} as ConnData,
      maxPayloadLength: FRAME_READ_MAX,
      perMessageDeflate: false,
      backpressureLimit: BACKPRESSURE_LIMIT,
      closeOnBackpressureLimit: false,
      open: (ws) => endpoint.open(ws),
      message: (ws, raw) => endpoint.message(ws, raw),
      close: (ws, code) => endpoint.close(ws, code),
      drain: (ws) => ws.data.conn?.drained(),
    },
  });
  opts.publisher.server = server;

  const scheme = opts.tls ? "wss" : "ws";
  const host = opts.hostname.includes(":") ? `[${opts.hostname}]` : opts.hostname;
  return {
    server,
    url: `${scheme}://${host}:${server.port}`,
    async stop() {
      endpoint.slow.stop();
      void server.stop(); // no new connections; the open ones are closed below
      await pipeline.drain();
      endpoint.outbox.flush();
      server.stop(true);
    },
  };
}
