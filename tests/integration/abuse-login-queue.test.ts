/**
 * Frames sent while a connection's login is checked wait for it, but only up to
 * `--login-queue-kib` (SPEC 6): past it a frame is answered `rate_limited` at once and not
 * kept, so a peer writing as fast as it can behind a slow password check cannot grow the
 * server's memory. The connection stays open and its login goes through.
 */
import { expect, test } from "bun:test";
import { TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

// Real password hashing at nice 19 (see password-threads.ts) on a busy machine: generous limits.
const run = useServer({ timeoutMs: 90_000 });

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(run.server.url);
  run.track(c);
  return c;
}

test("200 frames of 4 KB behind a login: what passes 64 KiB is refused at once", async () => {
  // Real argon2 cost, one hash at a time: the login below waits behind four others.
  const server = await run.start({
    args: ["--rate-limit", "--login-queue-kib", "64", "--hash-concurrency", "1"],
    env: { CHAT_PASSWORD_COST: "normal" },
  });
  const first = await connect();
  await first.call({ type: "register", user: "alice", password: "password1" });
  const others = await Promise.all([1, 2, 3, 4].map(() => connect()));
  for (const o of others) o.sendRaw(JSON.stringify({ type: "login", user: "bob", password: "x" }));

  const c = await connect();
  const order: string[] = [];
  c.ws.addEventListener("message", (ev) => {
    const f = JSON.parse(String(ev.data)) as { type: string; code?: string };
    order.push(f.type === "error" ? (f.code ?? "") : f.type);
  });
  const login = c.request({ type: "login", user: "alice", password: "password1" }, 60_000);
  const text = "x".repeat(4000);
  const sends = Array.from({ length: 200 }, () =>
    c.request({ type: "send", room: "nowhere", text }, 60_000),
  );
  expect(await login).toMatchObject({ type: "session", user: "alice" });
  const replies = await Promise.all(sends);
  const refused = replies.filter((r) => r.type === "error" && r.code === "rate_limited");
  // At most 64 KiB of them (16 frames of 4 KB) waited; every other one was refused...
  expect(refused.length).toBeGreaterThanOrEqual(200 - 17);
  for (const r of refused) expect(r.retryAfterMs as number).toBeGreaterThan(0);
  // ...at once, before the login was answered: none of them was kept until then.
  expect(order.indexOf("session")).toBeGreaterThanOrEqual(refused.length);
  // The ones that waited were handled as the logged-in user's.
  const waited = replies.filter((r) => !refused.includes(r));
  expect(waited.length).toBeGreaterThan(0);
  for (const r of waited) expect(r).toMatchObject({ type: "error", code: "not_found" });
  expect(c.ws.readyState).toBe(WebSocket.OPEN);
});
