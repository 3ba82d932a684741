/**
 * Behind a reverse proxy (`--trusted-proxy`): per-address limits count the client's address
 * from X-Forwarded-For, and only when the proxy is trusted; wrong passwords for one name do
 * not lock that address out of the others.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function connect(url: string, forwardedFor?: string): Promise<TestClient> {
  const headers = forwardedFor === undefined ? undefined : { "x-forwarded-for": forwardedFor };
  const c = await TestClient.connect(url, headers);
  run.track(c);
  return c;
}

const LIMITS = ["--rate-limit", "--max-unauthenticated-per-address", "3"];

describe("A trusted proxy", () => {
  test("each client behind it has its own per-address limits, and the log shows its address", async () => {
    const server = await run.start({ args: [...LIMITS, "--trusted-proxy", "127.0.0.1"] });
    for (let i = 0; i < 3; i++) await connect(server.url, "203.0.113.1");
    // The attacker holding 3 idle sockets is refused; another client of the proxy is not.
    await expect(connect(server.url, "203.0.113.1")).rejects.toThrow("cannot connect");
    // A client that writes its own header has it kept on the left; the proxy's hop counts.
    const other = await connect(server.url, "6.6.6.6, 203.0.113.2");
    expect(await other.request({ type: "ping" })).toMatchObject({ type: "pong" });
    const log = readFileSync(join(server.dataDir, "server.log"), "utf8");
    expect(log).toContain("refused_connections address=203.0.113.1");
    expect(log).toMatch(/connect conn=\S+ address=203\.0\.113\.2/);
    expect(log).not.toContain("6.6.6.6");
  });

  test("wrong passwords for one name leave the address's other names usable", async () => {
    const server = await run.start({ args: [...LIMITS, "--trusted-proxy", "127.0.0.1"] });
    const reg = await connect(server.url, "198.51.100.9");
    await reg.call({ type: "register", user: "alice", password: "password1" });
    const reg2 = await connect(server.url, "198.51.100.8");
    await reg2.call({ type: "register", user: "bob", password: "password1" });
    const guesser = await connect(server.url, "203.0.113.1");
    const codes = [];
    for (let i = 0; i < 6; i++) {
      const r = await guesser.request({ type: "login", user: "alice", password: `wrong-${i}xx` });
      codes.push(r.type === "error" ? r.code : r.type);
    }
    expect(codes).toEqual([...Array(5).fill("auth_failed"), "rate_limited"]);
    const bob = await connect(server.url, "203.0.113.1");
    expect(await bob.request({ type: "login", user: "bob", password: "password1" })).toMatchObject({
      type: "session",
      user: "bob",
    });
  });
});

describe("Without --trusted-proxy", () => {
  test("X-Forwarded-For is ignored: a client cannot pick the address its limits count on", async () => {
    const server = await run.start({ args: LIMITS });
    for (let i = 0; i < 3; i++) await connect(server.url, `203.0.113.${i + 1}`);
    await expect(connect(server.url, "203.0.113.99")).rejects.toThrow("cannot connect");
    const log = readFileSync(join(server.dataDir, "server.log"), "utf8");
    expect(log).toContain("refused_connections address=127.0.0.1");
    expect(log).not.toContain("203.0.113.");
  });

  test("from an address that is not the trusted proxy, the header is ignored too", async () => {
    const server = await run.start({ args: [...LIMITS, "--trusted-proxy", "10.9.9.9"] });
    for (let i = 0; i < 3; i++) await connect(server.url, `203.0.113.${i + 1}`);
    await expect(connect(server.url, "203.0.113.99")).rejects.toThrow("cannot connect");
  });
});
