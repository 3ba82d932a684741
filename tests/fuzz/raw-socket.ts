/**
 * A WebSocket client over a raw TCP socket (`Bun.connect`), for the slow-reader tests: it
 * does the upgrade by hand and can stop reading (`pause`), so that the server sees real TCP
 * backpressure instead of a client that buffers everything in memory.
 */
import type { Socket } from "bun";
import { maskedTextFrame, upgradeRequest } from "../helpers/raw-frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw WebSocket connection. */
export class RawSocket {
  /** Text frames received, in order. */
  readonly texts: string[] = [];
  /** The close frame's code, once one arrived (1005 when it carried none). */
  closeCode: number | null = null;
  closeReason = "";
  /** True once the TCP connection ended. */
  isEnded = false;
  #socket: Socket<undefined> | null = null;
  #buf = new Uint8Array(0);
  #isUpgraded = false;
  #onChange: (() => void) | null = null;

  /** Connect to `ws://host:port` and complete the upgrade. */
  static async connect(url: string): Promise<RawSocket> {
    const { hostname, port } = new URL(url);
    const raw = new RawSocket();
    raw.#socket = await Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        data: (_s, chunk) => raw.#onData(chunk),
        close: () => {
          raw.isEnded = true;
          raw.#notify();
        },
        end: () => {
          raw.isEnded = true;
          raw.#notify();
        },
        error: () => {
          raw.isEnded = true;
          raw.#notify();
        },
      },
    });
    raw.#socket.write(upgradeRequest(hostname, port));
    await raw.waitFor(() => raw.texts.some((t) => t.includes('"welcome"')));
    return raw;
  }

  /** Send a JSON object as one text frame. */
  send(obj: unknown): void {
    this.#socket?.write(maskedTextFrame(JSON.stringify(obj)));
  }

  /** Send JSON objects as text frames in one write: the server reads them all at once. */
  sendAll(objs: readonly unknown[]): void {
    const frames = objs.map((obj) => maskedTextFrame(JSON.stringify(obj)));
    const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      out.set(f, at);
      at += f.length;
    }
    this.#socket?.write(out);
  }

  /** Stop reading from the socket: the server's writes back up. */
  pause(): void {
    this.#socket?.pause();
  }

  /** Read again. */
  resume(): void {
    this.#socket?.resume();
  }

  /** Close the TCP connection. */
  end(): void {
    this.#socket?.end();
  }

  /** Resolve once `cond` holds (checked on every arrival), or reject after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onChange = null;
        reject(new Error(`raw socket: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        this.#onChange = null;
        resolve();
      };
      this.#onChange = check;
      check();
    });
  }

  #notify(): void {
    this.#onChange?.();
  }

  #onData(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf);
    merged.set(chunk, this.#buf.length);
    this.#buf = merged;
    if (!this.#isUpgraded) {
      const text = decoder.decode(this.#buf);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      if (!text.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${text}`);
      this.#isUpgraded = true;
      this.#buf = this.#buf.slice(encoder.encode(text.slice(0, end + 4)).length);
    }
    this.#parseFrames();
    this.#notify();
  }

  #parseFrames(): void {
    let at = 0;
    const buf = this.#buf;
    while (buf.length - at >= 2) {
      const op = buf[at]! & 0x0f;
      let len = buf[at + 1]! & 0x7f;
      let header = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = (buf[at + 2]! << 8) | buf[at + 3]!;
        header = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(new DataView(buf.buffer, buf.byteOffset + at + 2, 8).getBigUint64(0));
        header = 10;
      }
      if (buf.length - at < header + len) break;
      const payload = buf.subarray(at + header, at + header + len);
      if (op === 1) this.texts.push(decoder.decode(payload));
      else if (op === 8) {
        this.closeCode = len >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
        this.closeReason = decoder.decode(payload.subarray(2));
      }
      at += header + len;
    }
    this.#buf = buf.slice(at);
  }
}
