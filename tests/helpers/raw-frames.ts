/**
 * The client side of the WebSocket wire, written by hand for the raw-socket clients of the
 * tests and the benchmark: the upgrade request and masked text frames.
 */

const UPGRADE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const MASK = [0x37, 0xfa, 0x21, 0x3d] as const;
const encoder = new TextEncoder();

/** The HTTP request that upgrades a TCP connection to `host:port` to a WebSocket. */
export function upgradeRequest(host: string, port: number | string): string {
  return (
    `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${UPGRADE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** Build one masked client text frame. */
export function maskedTextFrame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  const len = payload.length;
  const headerLen = len < 126 ? 6 : len < 65536 ? 8 : 14;
  const out = new Uint8Array(headerLen + len);
  out[0] = 0x81;
  if (len < 126) {
    out[1] = 0x80 | len;
  } else if (len < 65536) {
    out[1] = 0x80 | 126;
    out[2] = len >> 8;
    out[3] = len & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(len));
  }
  const m = headerLen - 4;
  out.set(MASK, m);
  for (let i = 0; i < len; i++) out[headerLen + i] = payload[i]! ^ MASK[i & 3]!;
  return out;
}
