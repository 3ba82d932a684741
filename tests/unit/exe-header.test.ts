import { describe, expect, test } from "bun:test";
import { platformOfHeader } from "../../scripts/exe-header.ts";

function header(fill: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = new Uint8Array(256);
  fill(new DataView(bytes.buffer), bytes);
  return bytes;
}

const elf = (machine: number) =>
  header((v) => {
    v.setUint32(0, 0x7f454c46);
    v.setUint16(18, machine, true);
  });
const macho = (cpu: number) =>
  header((v) => {
    v.setUint32(0, 0xfeedfacf, true);
    v.setUint32(4, cpu, true);
  });
const pe = (signature: number) =>
  header((v, b) => {
    b.set([0x4d, 0x5a]);
    v.setUint32(0x3c, 0x80, true);
    v.setUint32(0x80, signature);
    v.setUint16(0x84, 0x8664, true);
  });

describe("The header of an executable", () => {
  test("names each platform built: ELF, Mach-O and PE, x64 and arm64", () => {
    expect(platformOfHeader(elf(0x3e))).toBe("linux-x64");
    expect(platformOfHeader(elf(0xb7))).toBe("linux-arm64");
    expect(platformOfHeader(macho(0x01000007))).toBe("darwin-x64");
    expect(platformOfHeader(macho(0x0100000c))).toBe("darwin-arm64");
    expect(platformOfHeader(pe(0x50450000))).toBe("windows-x64");
  });

  test("another machine, an MZ file without PE, or a short or unknown file is not a platform", () => {
    expect(platformOfHeader(elf(0x28))).toBe("linux-40");
    expect(platformOfHeader(pe(0))).toBe("MZ without PE");
    expect(platformOfHeader(new Uint8Array(10))).toBe("unknown");
    expect(platformOfHeader(header(() => {}))).toBe("unknown");
  });
});
