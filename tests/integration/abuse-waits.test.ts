/**
 * Clients told to wait: one that keeps sending while refused `rate_limited` is closed with 4029
 * (--ignored-waits); one that waits retryAfterMs never is. Big replies cost their user requests
 * (--reply-kib-per-request).
 */
import { describe, expect, test } from "bun:test";
import { registered, Wire, type Received } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

const WRONG = { type: "login", user: "guessed", password: "wrong-password" };

/** Send `make()` one at a time, each once the last is answered, until the socket closes. */
async function hammer(wire: Wire, make: () => Record<string, unknown>): Promise<Received[]> {
  const replies: Received[] = [];
  for (let i = 0; i < 5000 && !wire.isClosed; i++) {
    try {
      replies.push(await wire.request(make()));
    } catch {
      break; // closed while waiting for the reply
    }
  }
  return replies;
}

describe("A connection that ignores retryAfterMs", () => {
  test("hammering wrong logins while limited is closed with 4029 after its refusals", async () => {
    const { url } = await run.start({ args: ["--rate-limit", "--ignored-waits", "30"] });
    const attacker = await Wire.open(url);
    const replies = await hammer(attacker, () => WRONG);
    const closed = await attacker.closed;
    expect(closed.code).toBe(4029);
    expect(closed.reason).toContain("retryAfterMs");
    const limited = replies.filter((r) => r.code === "rate_limited");
    // Every refusal was answered before the close, and more than the bound of them.
    expect(limited.length).toBeGreaterThan(30);
    for (const r of limited) expect(r.retryAfterMs as number).toBeGreaterThan(0);
    // The address may still connect: the close is of the connection only.
    const next = await Wire.open(url);
    expect((await next.request({ type: "ping" })).type).toBe("pong");
    await next.close();
  });

  test("a connection that waits retryAfterMs each time is refused but never closed", async () => {
    const { url } = await run.start({
      args: ["--rate-limit", "--ignored-waits", "1", "--requests-per-connection", "100"],
    });
    const polite = await Wire.open(url);
    let limited = 0;
    // One at a time, past the bucket of 400, each after the wait it was given when refused.
    for (let i = 0; i < 500; i++) {
      const reply = await polite.request({ type: "ping" });
      if (reply.code === "rate_limited") {
        limited++;
        await Bun.sleep(Number(reply.retryAfterMs));
      }
    }
    expect(limited).toBeGreaterThan(1);
    expect(polite.isClosed).toBe(false);
    await polite.close();
  });
});

describe("Big replies cost requests", () => {
  test("pipelined large history pages leave the next request rate_limited; small ones do not", async () => {
    const { url } = await run.start({
      args: ["--rate-limit", "--requests-per-user", "5", "--reply-kib-per-request", "4"],
    });
    const bob = await registered(url, "bob");
    await bob.ok({ type: "create", room: "lobby" });
    const text = "x".repeat(3900);
    for (let i = 0; i < 15; i++) await bob.ok({ type: "send", room: "lobby", text });
    const alice = await registered(url, "alice");
    await alice.ok({ type: "join", room: "lobby" });
    // Small replies: a burst of pings within the user's bucket (20) is all answered.
    const pings = await Promise.all(
      Array.from({ length: 5 }, () => alice.request({ type: "ping" })),
    );
    expect(pings.every((r) => r.type === "pong")).toBe(true);
    // The page is ~59 KiB: 14 more requests, past the 12 left in the bucket, into debt.
    const [page, next] = await Promise.all([
      alice.request({ type: "history", room: "lobby" }),
      alice.request({ type: "history", room: "lobby" }),
    ]);
    expect(page.type).toBe("history");
    expect(next.code).toBe("rate_limited");
    expect(next.retryAfterMs as number).toBeGreaterThan(0);
    await alice.close();
  });
});
