/**
 * A minimal WebSocket client over raw TCP (`Bun.connect`), built so that the load generator
 * is never the bottleneck: the HTTP upgrade is done by hand, outgoing frames are pre-built
 * and masked once, and incoming frames are counted by walking their headers without
 * decoding the payload (unless a frame listener asks for the text).
 */
import type { Socket } from "bun";
import { maskedTextFrame, upgradeRequest } from "../../tests/helpers/raw-frames.ts";

const decoder = new TextDecoder();

/** The same frame repeated `count` times in one buffer: one write sends a whole burst. */
export function repeatFrame(frame: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) out.set(frame, i * frame.length);
  return out;
}

/** Called for every complete text frame when a connection decodes (setup phases, probes). */
export type FrameListener = (text: string) => void;

/**
 * Counts server frames by walking headers. When `classifyOffset` is set, a frame whose
 * payload byte at that offset equals `classifyByte` is counted in `marked` as well (used to
 * tell `{"type":"message"` deliveries from `{"type":"sent"` acknowledgements cheaply).
 */
export class FrameCounter {
  frames = 0;
  marked = 0;
  classifyOffset = -1;
  classifyByte = 0;
  /** When set, complete frames are decoded and passed here instead of only counted. */
  listener: FrameListener | null = null;
  #skip = 0;
  #classifyIn = -1;
  #partial: Uint8Array | null = null;
  #collect: Uint8Array | null = null;
  #collectAt = 0;

  feed(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.#partial) {
      const joined = new Uint8Array(this.#partial.length + chunk.length);
      joined.set(this.#partial);
      joined.set(chunk, this.#partial.length);
      buf = joined;
      this.#partial = null;
    }
    const n = buf.length;
    let i = 0;
    for (;;) {
      if (this.#skip > 0) {
        const avail = n - i;
        if (this.#classifyIn >= 0) {
          if (this.#classifyIn < avail) {
            if (buf[i + this.#classifyIn] === this.classifyByte) this.marked++;
            this.#classifyIn = -1;
          } else {
            this.#classifyIn -= avail;
          }
        }
        const take = this.#skip < avail ? this.#skip : avail;
        if (this.#collect) {
          this.#collect.set(buf.subarray(i, i + take), this.#collectAt);
          this.#collectAt += take;
        }
        this.#skip -= take;
        i += take;
        if (this.#skip > 0) return;
        if (this.#collect) {
          const text = decoder.decode(this.#collect);
          this.#collect = null;
          this.listener?.(text);
        }
      }
      if (i >= n) return;
      if (n - i < 2) {
        this.#partial = buf.slice(i);
        return;
      }
      const b0 = buf[i]!;
      const b1 = buf[i + 1]! & 0x7f;
      let headerLen = 2;
      let len = b1;
      if (b1 === 126) {
        if (n - i < 4) {
          this.#partial = buf.slice(i);
          return;
        }
        len = (buf[i + 2]! << 8) | buf[i + 3]!;
        headerLen = 4;
      } else if (b1 === 127) {
        if (n - i < 10) {
          this.#partial = buf.slice(i);
          return;
        }
        len = Number(new DataView(buf.buffer, buf.byteOffset + i + 2, 8).getBigUint64(0));
        headerLen = 10;
      }
      i += headerLen;
      const opcode = b0 & 0x0f;
      if (opcode === 1 || opcode === 2) {
        this.frames++;
        if (this.listener) {
          if (len === 0) this.listener("");
          else {
            this.#collect = new Uint8Array(len);
            this.#collectAt = 0;
          }
        } else if (this.classifyOffset >= 0 && len > this.classifyOffset) {
          this.#classifyIn = this.classifyOffset;
        }
      }
      this.#skip = len;
    }
  }
}

/** One raw WebSocket connection. */
export class RawWs {
  readonly counter = new FrameCounter();
  onClose: (() => void) | null = null;
  /** Called after each chunk of frames has been counted. */
  onData: (() => void) | null = null;
  #socket: Socket<undefined> | null = null;
  #queue: Uint8Array[] = [];
  #closed = false;

  private constructor() {}

  /** Connect and complete the WebSocket upgrade. */
  static async connect(host: string, port: number, timeoutMs = 10_000): Promise<RawWs> {
    const ws = new RawWs();
    let head = "";
    let upgraded = false;
    let resolveUp!: () => void;
    let rejectUp!: (err: Error) => void;
    const up = new Promise<void>((res, rej) => {
      resolveUp = res;
      rejectUp = rej;
    });
    const timer = setTimeout(() => rejectUp(new Error("upgrade timed out")), timeoutMs);
    ws.#socket = await Bun.connect({
      hostname: host,
      port,
      socket: {
        data(_s, data) {
          if (upgraded) {
            ws.counter.feed(data);
            ws.onData?.();
            return;
          }
          head += data.toString("latin1");
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) return;
          if (!head.startsWith("HTTP/1.1 101")) {
            rejectUp(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
            return;
          }
          upgraded = true;
          const rest = data.subarray(data.length - (head.length - end - 4));
          resolveUp();
          if (rest.length > 0) {
            ws.counter.feed(rest);
            ws.onData?.();
          }
        },
        drain() {
          ws.#flush();
        },
        close() {
          ws.#closed = true;
          rejectUp(new Error("connection closed during upgrade"));
          ws.onClose?.();
        },
        error(_s, err) {
          rejectUp(err);
        },
        connectError(_s, err) {
          rejectUp(err);
        },
      },
    });
    ws.#socket.write(upgradeRequest(host, port));
    try {
      await up;
    } finally {
      clearTimeout(timer);
    }
    return ws;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queue bytes (pre-built frames); written as fast as the socket takes them. */
  write(bytes: Uint8Array): void {
    if (this.#queue.length > 0) {
      this.#queue.push(bytes);
      return;
    }
    const n = this.#socket!.write(bytes);
    if (n < bytes.length) this.#queue.push(bytes.subarray(Math.max(n, 0)));
  }

  /** Send one text message (masked now: for setup and probes, not hot loops). */
  sendText(text: string): void {
    this.write(maskedTextFrame(text));
  }

  #flush(): void {
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      const n = this.#socket!.write(next);
      if (n < next.length) {
        this.#queue[0] = next.subarray(Math.max(n, 0));
        return;
      }
      this.#queue.shift();
    }
  }

  /** Close the TCP connection (no close handshake: the benchmark does not need one). */
  close(): void {
    if (!this.#closed) this.#socket?.end();
    this.#closed = true;
  }
}
