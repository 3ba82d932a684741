/** Closing sockets that read too slowly, so that one slow reader never holds up the rest. */
import { CLOSE_CODES } from "./sockets.ts";
import type { Socket } from "./sockets.ts";
import type { Logger } from "./domain/types.ts";

// A reader is too slow when more than FAR_BEHIND_BYTES are queued for it, or more than
// BEHIND_BYTES stay queued for STALLED_MS (it is not catching up). It is closed with 4008 and
// reconnects and catches up from history. A burst that a reader drains in time is fine: a
// busy room can queue megabytes for a moment. Sockets are checked every SWEEP_MS, and within
// SWEEP_SOON_MS when a publish or send reports backpressure. Past BACKPRESSURE_LIMIT (the
// per-socket memory cap) Bun would drop frames; the check closes the socket long before.
const BEHIND_BYTES = 1024 * 1024;
const FAR_BEHIND_BYTES = 4 * 1024 * 1024;
const STALLED_MS = 1000;
const SWEEP_MS = 250;
const SWEEP_SOON_MS = 10;

/**
 * Closes sockets that read too slowly (4008), so that one slow reader never delays the
 * others and its queue never grows past a bound.
 */
export class SlowReaders {
  #sockets: ReadonlySet<Socket>;
  #log: Logger;
  #interval: ReturnType<typeof setInterval>;
  #isDue = false;

  /** Check `sockets` every SWEEP_MS until `stop`. */
  constructor(sockets: ReadonlySet<Socket>, log: Logger) {
    this.#sockets = sockets;
    this.#log = log;
    this.#interval = setInterval(() => this.#sweep(), SWEEP_MS);
    this.#interval.unref();
  }

  /** Check soon: some socket could not take a frame at once. */
  soon(): void {
    if (this.#isDue) return;
    this.#isDue = true;
    setTimeout(() => {
      this.#isDue = false;
      this.#sweep();
    }, SWEEP_SOON_MS).unref();
  }

  /** Stop checking. */
  stop(): void {
    clearInterval(this.#interval);
  }

  #sweep(): void {
    const now = Date.now();
    for (const ws of this.#sockets) {
      if (ws.readyState !== 1) continue;
      const queued = ws.getBufferedAmount();
      if (queued <= BEHIND_BYTES) {
        ws.data.behindSince = null;
        continue;
      }
      ws.data.behindSince ??= now;
      if (queued > FAR_BEHIND_BYTES || now - ws.data.behindSince >= STALLED_MS) {
        this.#log.info("slow_reader", {
          conn: ws.data.id,
          user: ws.data.conn?.user ?? undefined,
          queued,
        });
        ws.close(CLOSE_CODES.slowReader, "too slow reading: reconnect and fetch history");
      }
    }
  }
}
