/**
 * A token login counts against the per-user request limit of the user its token names (SPEC
 * 6): one account sending its valid token on socket after socket is answered `rate_limited`
 * past the burst, never closed, while other users log in as usual; after `retryAfterMs` the
 * token works again.
 */
import { expect, test } from "bun:test";
import { TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function tokenOf(name: string): Promise<string> {
  const c = await TestClient.connect(run.server.url);
  const reg = await c.call({ type: "register", user: name, password: "password123" });
  await c.close();
  return reg.token as string;
}

// Send `token` on a new socket; the reply, and whether the socket stayed open after it.
async function authOnce(token: string): Promise<{ reply: Frame; isOpen: boolean }> {
  const c = await TestClient.connect(run.server.url);
  const reply = await c.request({ type: "auth", token });
  const isOpen = c.ws.readyState === WebSocket.OPEN;
  await c.close();
  return { reply, isOpen };
}

test("one account's token on 30 sockets in a row stops at the per-user burst", async () => {
  // 2 requests a second per user: a burst of 8.
  const server = await run.start({ args: ["--rate-limit", "--requests-per-user", "2"] });
  const alice = await tokenOf("alice");
  const bob = await tokenOf("bob");
  const results = [];
  for (let i = 0; i < 30; i++) results.push(await authOnce(alice));
  const limited = results.filter((r) => r.reply.type === "error");
  expect(results.filter((r) => r.reply.type === "session").length).toBeLessThanOrEqual(10);
  expect(limited.length).toBeGreaterThanOrEqual(20);
  for (const r of limited) {
    expect(r.reply).toMatchObject({ code: "rate_limited" });
    expect(r.reply.retryAfterMs as number).toBeGreaterThan(0);
    expect(r.isOpen).toBe(true);
  }
  // Another user is not held back.
  expect((await authOnce(bob)).reply).toMatchObject({ type: "session", user: "bob" });
  // The wait stated is enough.
  await Bun.sleep(limited[limited.length - 1]!.reply.retryAfterMs as number);
  expect((await authOnce(alice)).reply).toMatchObject({ type: "session", user: "alice" });
});
