/**
 * The client's address behind a reverse proxy: taken from `X-Forwarded-For` or `Forwarded` only
 * when the connection comes from a proxy the operator named (`--trusted-proxy`); from anyone
 * else those headers are ignored, so a client cannot choose the address its limits count on.
 */
import { isIP } from "node:net";

/** The addresses of the trusted proxies, normalised; empty: trust no one. */
export type TrustedProxies = ReadonlySet<string>;

// An IPv4 address seen through an IPv6 socket ("::ffff:127.0.0.1") is the IPv4 address.
const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** An address in one spelling (IPv6 lower case, IPv4-mapped IPv6 as IPv4), or null if none. */
export function normalizeAddress(raw: string): string | null {
  const text = raw.trim();
  const kind = isIP(text);
  if (kind === 4) return text;
  if (kind !== 6) return null;
  const lower = text.toLowerCase();
  return MAPPED_V4.exec(lower)?.[1] ?? lower;
}

/** `ADDR[,ADDR...]` as a set of trusted proxies; null names the first entry that is no address. */
export function parseTrustedProxies(list: string): { proxies: TrustedProxies; bad: string | null } {
  const proxies = new Set<string>();
  for (const entry of list.split(",")) {
    if (entry.trim() === "") continue;
    const address = normalizeAddress(entry);
    if (address === null) return { proxies, bad: entry.trim() };
    proxies.add(address);
  }
  return { proxies, bad: null };
}

// One hop of a forwarding header as an address: strips the quotes, the brackets of IPv6 and a
// port ("1.2.3.4:5678", "[2001:db8::1]:4711"); null for anything else ("unknown", "_hidden").
function hopAddress(raw: string): string | null {
  let text = raw.trim().replace(/^"(.*)"$/, "$1");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  return normalizeAddress(text);
}

// The hops of `Forwarded` (RFC 7239): the `for=` of each element, in order.
function forwardedHops(header: string): string[] {
  const hops: string[] = [];
  for (const element of header.split(",")) {
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === "for") hops.push(pair.slice(eq + 1));
    }
  }
  return hops;
}

/**
 * The address a connection counts as. From a trusted proxy: the right-most hop of
 * `X-Forwarded-For` (else of `Forwarded`) that is not itself a trusted proxy, every hop to its
 * right having been added by a trusted proxy; a hop that is no address gives the proxy's own.
 * From anyone else: the peer's address, whatever the headers say.
 */
export function clientAddress(peer: string, headers: Headers, trusted: TrustedProxies): string {
  const own = normalizeAddress(peer) ?? peer;
  if (!trusted.has(own)) return own;
  const xff = headers.get("x-forwarded-for");
  const forwarded = xff === null ? headers.get("forwarded") : null;
  const hops = xff !== null ? xff.split(",") : forwarded !== null ? forwardedHops(forwarded) : [];
  let client = own;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]!);
    if (hop === null) return own;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}
