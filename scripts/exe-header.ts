/**
 * The platform an executable is for, read from its file header (ELF, Mach-O or PE): how
 * `bun scripts/build.ts --check-headers` and the build test tell that each file is the
 * platform its name says.
 */
import { readFileSync } from "node:fs";

// Header bytes read: the PE header's offset is in the first 64 bytes and points close by.
const HEADER_BYTES = 4096;

/** The platform (`linux-x64`, `darwin-arm64`, `windows-x64`, ...) of an executable's header. */
export function platformOfHeader(bytes: Uint8Array): string {
  if (bytes.length < 64) return "unknown";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) === 0x7f454c46) {
    const machine = view.getUint16(18, true);
    return `linux-${machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : machine}`;
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    const cpu = view.getUint32(4, true);
    return `darwin-${cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : cpu}`;
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 > bytes.length || view.getUint32(pe) !== 0x50450000) return "MZ without PE";
    const machine = view.getUint16(pe + 4, true);
    return `windows-${machine === 0x8664 ? "x64" : machine}`;
  }
  return "unknown";
}

/** The platform of the executable at `path`, from its header. */
export function platformOf(path: string): string {
  return platformOfHeader(readFileSync(path).subarray(0, HEADER_BYTES));
}
