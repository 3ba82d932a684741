/**
 * A request to join a closed room tells its admin, as a DM would, so it counts as a message
 * for the rate limit (SPEC 6): a loop of join and leave from one account puts at most the
 * message burst of requests in front of the admin, not one per request the connection may
 * send; past it `rate_limited`, and after `retryAfterMs` a request goes through again.
 */
import { expect, test } from "bun:test";
import { TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function registered(name: string, mode = "oneshot"): Promise<TestClient> {
  const c = await TestClient.connect(run.server.url);
  run.track(c);
  await c.call({ type: "register", user: name, password: "password123", mode });
  return c;
}

test("60 join-and-leave loops on a closed room: at most the message burst reaches its admin", async () => {
  const server = await run.start({ args: ["--rate-limit"] });
  const admin = await registered("alice", "listen");
  await admin.call({ type: "create", room: "club", open: false });
  const mallory = await registered("mallory");
  const joins: Frame[] = [];
  for (let i = 0; i < 60; i++) {
    joins.push(await mallory.request({ type: "join", room: "club" }));
    await mallory.request({ type: "leave", room: "club" });
  }
  const pending = joins.filter((r) => r.type === "joined");
  const limited = joins.filter((r) => r.type === "error");
  // The message bucket holds 20: the rest are refused, with the wait, never by closing.
  expect(pending.length).toBeLessThanOrEqual(25);
  expect(limited.length).toBeGreaterThanOrEqual(35);
  for (const r of limited) expect(r).toMatchObject({ code: "rate_limited" });
  expect(mallory.ws.readyState).toBe(WebSocket.OPEN);
  // The admin heard one request per join that went through, no more.
  await admin.request({ type: "ping" });
  const heard = () => admin.received.filter((f) => f.type === "join_request").length;
  expect(heard()).toBe(pending.length);
  // After the wait stated, a request goes through and reaches the admin.
  await Bun.sleep(limited[limited.length - 1]!.retryAfterMs as number);
  expect(await mallory.request({ type: "join", room: "club" })).toMatchObject({
    type: "joined",
    status: "pending",
  });
  for (let i = 0; i < 200 && heard() === pending.length; i++) await Bun.sleep(25);
  expect(heard()).toBe(pending.length + 1);
});
