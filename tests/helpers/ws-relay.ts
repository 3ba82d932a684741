/**
 * A WebSocket relay in front of a real server for client tests: `cut()` drops every client
 * connection as a lost network would, and connections made while cut are held, unanswered,
 * until `mend()`. A test can so change things on the server while a client is away and decide
 * when it is back, without restarting the server or racing the client's reconnect.
 */
import type { ServerWebSocket } from "bun";

/** One client connection and its connection to the server behind. */
interface Link {
  upstream: WebSocket | null;
  /** Frames from the client not yet passed on (until the upstream is open). */
  queue: (string | Buffer)[];
}

/** A running relay. */
export interface Relay {
  /** `ws://127.0.0.1:PORT` of the relay. */
  url: string;
  /** Drop every client connection (1001); new ones are held until `mend`. */
  cut(): void;
  /** Pass the held connections and the new ones on to the server again. */
  mend(): void;
  /** Close the relay and every connection. */
  stop(): void;
}

/** Start a relay to the server at `target` (a ws:// URL). */
export function wsRelay(target: string): Relay {
  let isUp = true;
  const links = new Set<ServerWebSocket<Link>>();

  const connect = (ws: ServerWebSocket<Link>) => {
    const upstream = new WebSocket(target);
    ws.data.upstream = upstream;
    upstream.onopen = () => {
      for (const frame of ws.data.queue.splice(0)) upstream.send(frame);
    };
    upstream.onmessage = (e) => ws.send(e.data as string);
    upstream.onclose = () => ws.close(1001, "going away");
  };

  const server = Bun.serve<Link>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      return srv.upgrade(req, { data: { upstream: null, queue: [] } })
        ? undefined
        : new Response("not a WebSocket request", { status: 400 });
    },
    websocket: {
      open(ws) {
        links.add(ws);
        if (isUp) connect(ws);
      },
      message(ws, frame) {
        const { upstream } = ws.data;
        if (upstream?.readyState === WebSocket.OPEN) upstream.send(frame);
        else ws.data.queue.push(frame);
      },
      close(ws) {
        links.delete(ws);
        ws.data.upstream?.close();
      },
    },
  });

  return {
    url: `ws://127.0.0.1:${server.port}`,
    cut() {
      isUp = false;
      for (const ws of links) {
        ws.data.upstream?.close();
        ws.close(1001, "going away");
      }
    },
    mend() {
      isUp = true;
      for (const ws of links) if (!ws.data.upstream) connect(ws);
    },
    stop: () => void server.stop(true),
  };
}
