/**
 * A stand-in chat server for client tests: a WebSocket endpoint on 127.0.0.1 port 0 that
 * sends `welcome` on every connection and answers frames as the test decides.
 */
import type { ServerWebSocket } from "bun";

/** A frame from the client as the fake server reads it: never trusted, only parsed. */
export interface FakeFrame {
  type?: string;
  id?: string;
  [field: string]: unknown;
}

/** One client connection, as seen while its frame is handled. */
export interface FakeConnection {
  /** Send a frame: an object is JSON-encoded, a string goes as it is. */
  send(frame: object | string): void;
  /** Send `body` as the reply to the frame being handled (with its `replyTo`). */
  reply(body: Record<string, unknown>): void;
  close(code?: number, reason?: string): void;
}

/** A running fake server. */
export interface FakeServer {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  /** Close it and every connection at once. */
  stop(): void;
}

/**
 * Start a fake server whose `welcome` names `name`; `onFrame` gets every frame that parses
 * as JSON (the others are ignored).
 */
export function fakeServer(
  name: string,
  onFrame: (msg: FakeFrame, conn: FakeConnection) => void,
): FakeServer {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      return srv.upgrade(req) ? undefined : new Response("no", { status: 400 });
    },
    websocket: {
      open(ws) {
        ws.send(JSON.stringify({ type: "welcome", server: name, protocol: 1 }));
      },
      message(ws, raw) {
        let msg: FakeFrame;
        try {
          msg = JSON.parse(String(raw)) as FakeFrame;
        } catch {
          return;
        }
        onFrame(msg, connection(ws, msg));
      },
    },
  });
  return { url: `ws://127.0.0.1:${server.port}`, stop: () => void server.stop(true) };
}

function connection(ws: ServerWebSocket<undefined>, msg: FakeFrame): FakeConnection {
  return {
    send: (frame) => void ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    reply: (body) => void ws.send(JSON.stringify({ ...body, replyTo: msg.id })),
    close: (code, reason) => ws.close(code, reason),
  };
}
