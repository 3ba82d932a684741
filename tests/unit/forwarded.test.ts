import { describe, expect, test } from "bun:test";
import { clientAddress, parseTrustedProxies } from "../../server/forwarded.ts";

const proxies = parseTrustedProxies("127.0.0.1,10.0.0.2,fd00::1").proxies;
const from = (peer: string, headers: Record<string, string>) =>
  clientAddress(peer, new Headers(headers), proxies);

describe("The client's address behind a trusted proxy", () => {
  test("from anyone but a trusted proxy the forwarding headers are ignored", () => {
    expect(from("203.0.113.5", { "x-forwarded-for": "198.51.100.1" })).toBe("203.0.113.5");
    expect(from("203.0.113.5", { forwarded: "for=198.51.100.1" })).toBe("203.0.113.5");
    expect(
      clientAddress("127.0.0.1", new Headers({ "x-forwarded-for": "198.51.100.1" }), new Set()),
    ).toBe("127.0.0.1");
  });

  test("X-Forwarded-For: the right-most address that is not itself a trusted proxy", () => {
    expect(from("127.0.0.1", { "x-forwarded-for": "198.51.100.1" })).toBe("198.51.100.1");
    // What a client wrote on the left is never believed past the first untrusted hop.
    expect(from("127.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.1, 10.0.0.2" })).toBe(
      "198.51.100.1",
    );
    expect(from("::ffff:127.0.0.1", { "x-forwarded-for": "198.51.100.1:5123" })).toBe(
      "198.51.100.1",
    );
    expect(from("fd00::1", { "x-forwarded-for": "[2001:DB8::7]:443" })).toBe("2001:db8::7");
  });

  test("Forwarded (RFC 7239) when there is no X-Forwarded-For", () => {
    const forwarded = 'for=6.6.6.6;proto=http, for="[2001:db8::9]:4711";by=10.0.0.2';
    expect(from("127.0.0.1", { forwarded })).toBe("2001:db8::9");
  });

  test("a hop that is no address, or no header at all, gives the proxy's own address", () => {
    expect(from("127.0.0.1", { "x-forwarded-for": "1.2.3.4, unknown" })).toBe("127.0.0.1");
    expect(from("127.0.0.1", { "x-forwarded-for": "a b c" })).toBe("127.0.0.1");
    expect(from("127.0.0.1", {})).toBe("127.0.0.1");
    // Every hop a trusted proxy: the left-most of them.
    expect(from("127.0.0.1", { "x-forwarded-for": "10.0.0.2, 127.0.0.1" })).toBe("10.0.0.2");
  });
});
