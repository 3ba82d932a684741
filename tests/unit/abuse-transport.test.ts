/**
 * The front door's pure parts: the one error-to-frame function, the folding log, the
 * configuration of its bounds, and ping as activity.
 */
import { describe, expect, test } from "bun:test";
import { ChatError } from "../../shared/errors.ts";
import { ConfigError, parseConfig } from "../../server/config.ts";
import { errorFrame } from "../../server/error-frame.ts";
import { foldingLogger } from "../../server/log.ts";
import { httpErrorResponse } from "../../server/transport.ts";
import type { Logger } from "../../server/domain/types.ts";
import { FakeClock, Harness } from "../helpers/domain.ts";

describe("errorFrame", () => {
  test("a ChatError keeps its code, message and retryAfterMs", () => {
    expect(errorFrame(new ChatError("rate_limited", "slow down", 1500))).toEqual({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      retryAfterMs: 1500,
    });
    expect(errorFrame(new ChatError("forbidden", "no"))).toEqual({
      type: "error",
      code: "forbidden",
      message: "no",
    });
  });

  test("anything else is internal with a fixed text: no message or stack crosses the wire", () => {
    const frame = errorFrame(new Error("ENOENT: /srv/chat/data/users.json"));
    expect(frame).toEqual({ type: "error", code: "internal", message: "internal server error" });
    expect(errorFrame("a string")).toEqual(frame);
  });
});

function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (event: string, details?: Record<string, unknown>): void => {
    const parts = Object.entries(details ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    lines.push([event, ...parts].join(" "));
  };
  return { log: { info: write, error: write }, lines };
}

describe("Folding log", () => {
  test("past a burst of 5 per address and event, lines are counted and the count written", () => {
    const clock = new FakeClock();
    const { log, lines } = recorder();
    const folding = foldingLogger(log, clock);
    for (let i = 0; i < 60; i++) folding.info("refused", { conn: `c${i}`, address: "1.2.3.4" });
    expect(lines).toHaveLength(5);
    // Another address and another event have budgets of their own.
    folding.info("refused", { conn: "x", address: "5.6.7.8" });
    folding.info("login_failed", { user: "alice", address: "1.2.3.4" });
    expect(lines).toHaveLength(7);
    // Within a second the count is written on a line of its own.
    clock.advance(1000);
    expect(lines.at(-1)).toBe("refused address=1.2.3.4 folded=55");
    // Later lines pass again, one a second; a count rides on the next written line.
    clock.advance(1000);
    folding.info("refused", { conn: "a", address: "1.2.3.4" });
    folding.info("refused", { conn: "b", address: "1.2.3.4" });
    clock.advance(500);
    folding.info("refused", { conn: "c", address: "1.2.3.4" });
    clock.advance(500);
    folding.info("refused", { conn: "d", address: "1.2.3.4" });
    expect(lines.slice(-3)).toEqual([
      "refused conn=a address=1.2.3.4",
      "refused conn=b address=1.2.3.4",
      "refused conn=d address=1.2.3.4 folded=1",
    ]);
    // The count was written once: the report finds nothing left.
    clock.advance(1000);
    expect(lines.at(-1)).toBe("refused conn=d address=1.2.3.4 folded=1");
  });

  test("other events, errors and lines without an address are never folded", () => {
    const { log, lines } = recorder();
    const folding = foldingLogger(log, new FakeClock());
    for (let i = 0; i < 20; i++) {
      folding.info("login", { user: "alice", address: "1.2.3.4" });
      folding.info("refused", { conn: "c1" });
      folding.error("internal", { address: "1.2.3.4" });
    }
    expect(lines).toHaveLength(60);
  });
});

describe("Front door flags", () => {
  test("defaults: 20 connections per user, 200 per address, 64 waiting, 50 and 100 requests/s", () => {
    expect(parseConfig([], {})).toMatchObject({
      maxConnectionsPerUser: 20,
      maxConnectionsPerAddress: 200,
      maxUnauthenticatedPerAddress: 64,
      requestsPerConnection: 50,
      requestsPerUser: 100,
    });
  });

  test("--no-rate-limit turns every one off unless it is given", () => {
    expect(parseConfig(["--no-rate-limit"], {})).toMatchObject({
      maxConnectionsPerUser: 0,
      maxConnectionsPerAddress: 0,
      maxUnauthenticatedPerAddress: 0,
      requestsPerConnection: 0,
      requestsPerUser: 0,
    });
    const args = ["--no-rate-limit", "--max-connections-per-user", "3", "--requests-per-user", "7"];
    expect(parseConfig(args, {})).toMatchObject({ maxConnectionsPerUser: 3, requestsPerUser: 7 });
  });

  test("each takes a whole number; 0 turns it off; anything else is a configuration error", () => {
    const flags = [
      "--max-connections-per-user",
      "--max-connections-per-address",
      "--max-unauthenticated-per-address",
      "--requests-per-connection",
      "--requests-per-user",
      "--login-queue-kib",
    ];
    for (const flag of flags) {
      expect(() => parseConfig([flag, "-1"], {})).toThrow(ConfigError);
      expect(() => parseConfig([flag, "many"], {})).toThrow(ConfigError);
    }
    expect(parseConfig(["--max-connections-per-address", "0"], {}).maxConnectionsPerAddress).toBe(
      0,
    );
  });
});

describe("Ping", () => {
  test("counts as activity: it wakes an idle user, like any other request", async () => {
    const h = new Harness({ idleAfterSeconds: 60 });
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.call(alice, { type: "create", room: "r" });
    await h.call(bob, { type: "join", room: "r" });
    h.clock.advance(61_000);
    expect(alice.events("presence").at(-1)).toMatchObject({ idle: ["bob"] });
    expect(await h.call(bob, { type: "ping" })).toEqual({ type: "pong" });
    expect(alice.events("presence").at(-1)).toMatchObject({ online: ["bob"] });
  });

  test("before login it is a pong and nothing else", async () => {
    const h = new Harness();
    const anon = h.conn();
    expect(await h.call(anon, { type: "ping" })).toEqual({ type: "pong" });
  });
});

describe("HTTP errors", () => {
  test("an error while serving HTTP is a plain 500 without source; the stack goes to the log", async () => {
    const { log, lines } = recorder();
    const err = new Error("boom at /work/main/server/transport.ts:1");
    const res = httpErrorResponse(err, log);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toStartWith("text/plain");
    expect(await res.text()).toBe("internal server error\n");
    expect(lines[0]).toStartWith("http_error error=Error: boom");
  });
});
