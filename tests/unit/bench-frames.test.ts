import { describe, expect, test } from "bun:test";
import { FrameCounter, repeatFrame } from "../../bench/lib/raw-ws.ts";
import { maskedTextFrame } from "../helpers/raw-frames.ts";

/** An unmasked server text frame, as a server sends it. */
function serverFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const len = payload.length;
  const head =
    len < 126
      ? [0x81, len]
      : len < 65536
        ? [0x81, 126, len >> 8, len & 0xff]
        : [
            0x81,
            127,
            0,
            0,
            0,
            0,
            (len >>> 24) & 0xff,
            (len >> 16) & 0xff,
            (len >> 8) & 0xff,
            len & 0xff,
          ];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MESSAGE = '{"type":"message","id":"1","room":"r","from":"a","text":"hi","ts":"t"}';
const SENT = '{"type":"sent","replyTo":"b1","message":{}}';
const STREAM = concat([
  serverFrame(MESSAGE),
  serverFrame(SENT),
  serverFrame(`{"type":"message","text":"${"x".repeat(300)}"}`),
  serverFrame(""),
  serverFrame(`{"type":"message","text":"${"y".repeat(70_000)}"}`),
  serverFrame(MESSAGE),
]);

describe("Benchmark frame counter", () => {
  test("counts frames and tells messages from acknowledgements however the bytes are split", () => {
    for (const cut of [1, 2, 3, 7, 10, 64, 1000, STREAM.length]) {
      const counter = new FrameCounter();
      counter.classifyOffset = 9;
      counter.classifyByte = "m".charCodeAt(0);
      for (let i = 0; i < STREAM.length; i += cut) counter.feed(STREAM.subarray(i, i + cut));
      expect({ cut, frames: counter.frames, marked: counter.marked }).toEqual({
        cut,
        frames: 6,
        marked: 4,
      });
    }
  });

  test("a listener receives each frame's text whole, across chunk boundaries", () => {
    const counter = new FrameCounter();
    const seen: string[] = [];
    counter.listener = (text) => seen.push(text);
    for (let i = 0; i < STREAM.length; i += 5) counter.feed(STREAM.subarray(i, i + 5));
    expect(seen.length).toBe(6);
    expect(seen[0]).toBe(MESSAGE);
    expect(seen[1]).toBe(SENT);
    expect(seen[3]).toBe("");
    expect(seen[4]!.length).toBe('{"type":"message","text":""}'.length + 70_000);
  });

  test("client frames are masked and unmask to the text", () => {
    const frame = maskedTextFrame(SENT);
    expect(frame[0]).toBe(0x81);
    expect(frame[1]! & 0x80).toBe(0x80);
    const len = frame[1]! & 0x7f;
    const mask = frame.subarray(2, 6);
    const payload = frame.subarray(6).map((b, i) => b ^ mask[i & 3]!);
    expect(len).toBe(SENT.length);
    expect(new TextDecoder().decode(payload)).toBe(SENT);
    expect(repeatFrame(frame, 3).length).toBe(frame.length * 3);
  });
});
