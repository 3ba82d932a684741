/**
 * One WebSocket to the server, dialled and read until its `welcome`: the part of a
 * connection that knows about sockets, frames and close codes. Reconnection, requests
 * and events are the Connection's.
 */
import { checkServerMessage, parseServerMessage } from "../shared/parse.ts";
import type { ServerEvent } from "./event-feed.ts";
import { ConnectionError } from "./errors.ts";
import { oneLine, oneLineFields } from "./terminal-text.ts";

/** Where to dial, and how long to wait for the `welcome`. */
export interface DialOptions {
  url: string;
  /** PEM text of a CA certificate to trust for wss://. */
  ca?: string;
  timeoutMs: number;
}

/** What the dialler reports about its socket. */
export interface SocketHandlers {
  /** The socket was made; called at once, before any answer (so it can be closed early). */
  created(ws: WebSocket): void;
  /** A valid frame after `welcome`. */
  frame(frame: ServerEvent): void;
  /** The socket closed after `welcome`. */
  dropped(ws: WebSocket): void;
}

/**
 * Open one socket and resolve with the server's name once `welcome` arrives. Rejects with
 * ConnectionError when it cannot connect or no `welcome` comes within timeoutMs.
 */
export function dial(opts: DialOptions, on: SocketHandlers): Promise<string> {
  const { url, ca, timeoutMs } = opts;
  return new Promise((resolve, reject) => {
    let isWelcomed = false;
    let isFailed = false;
    // Listeners are attached in the same tick as the constructor: frames that arrive before
    // that are lost.
    const ws = ca ? new WebSocket(url, { tls: { ca } }) : new WebSocket(url);
    on.created(ws);
    const fail = (err: Error) => {
      if (isWelcomed || isFailed) return;
      isFailed = true;
      clearTimeout(timer);
      if (ws.readyState <= WebSocket.OPEN) ws.close();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(new ConnectionError("timeout", `no answer from ${url} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    ws.onmessage = (ev) => {
      if (isFailed) return;
      const frames = parseFrames(ev.data);
      if (isWelcomed) {
        for (const frame of frames) on.frame(frame);
        return;
      }
      const frame = frames[0];
      if (frame?.type === "welcome") {
        isWelcomed = true;
        clearTimeout(timer);
        resolve(typeof frame.server === "string" ? frame.server : "");
      }
    };
    ws.onerror = () => {
      // A close event always follows; it decides what happens.
    };
    ws.onclose = (ev) => {
      if (!isWelcomed) {
        fail(new ConnectionError("connect", `cannot connect to ${url}${closeDetail(ev)}`));
      } else {
        on.dropped(ws);
      }
    };
  });
}

// The frames in one message from the server: itself, or for a batched page (a `synced` with
// `events`) each of its events, checked and made one-line as if it had come as a frame of its
// own, then the `synced` without them.
function parseFrames(data: unknown): ServerEvent[] {
  if (typeof data !== "string") return [];
  let frame: ServerEvent;
  try {
    frame = parseServerMessage(data) as ServerEvent;
  } catch {
    // A malformed frame from the server is dropped: the client never trusts the wire.
    return [];
  }
  const { events } = frame;
  if (frame.type !== "synced" || !Array.isArray(events)) return [oneLineFields(frame)];
  const frames: ServerEvent[] = [];
  for (const event of events as unknown[]) {
    try {
      const checked = checkServerMessage(event) as ServerEvent;
      // A page inside a page is no event: dropped like a malformed one.
      if (checked.type !== "synced") frames.push(oneLineFields(checked));
    } catch {
      // A malformed event is dropped like a malformed frame; the others still count.
    }
  }
  delete frame.events;
  frames.push(oneLineFields(frame));
  return frames;
}

function closeDetail(ev: CloseEvent): string {
  // The reason is the server's text: on one line, like every string of its frames.
  if (ev.reason) return `: ${oneLine(ev.reason)}`;
  return ev.code && ev.code !== 1006 && ev.code !== 1000 ? ` (close code ${ev.code})` : "";
}
