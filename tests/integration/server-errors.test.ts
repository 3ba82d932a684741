import { describe, expect, test } from "bun:test";
import { registered, TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function user(name: string): Promise<TestClient> {
  const { client } = await registered(run.server.url, name);
  run.track(client);
  return client;
}

describe("Error replies", () => {
  test("each error code reaches the client with replyTo and a message", async () => {
    const server = await run.start();
    const anon = await TestClient.connect(server.url);
    run.track(anon);
    expect(await anon.request({ type: "rooms" })).toMatchObject({
      type: "error",
      code: "auth_required",
    });
    expect(
      await anon.request({ type: "login", user: "ghost", password: "password1" }),
    ).toMatchObject({
      code: "auth_failed",
    });
    const alice = await user("alice");
    const bob = await user("bob");
    expect(await alice.request({ type: "create", room: "no spaces" })).toMatchObject({
      code: "bad_request",
    });
    await alice.call({ type: "create", room: "r" });
    expect(await alice.request({ type: "create", room: "R" })).toMatchObject({ code: "conflict" });
    expect(await bob.request({ type: "send", room: "r", text: "x" })).toMatchObject({
      code: "forbidden",
    });
    expect(await bob.request({ type: "who", room: "nope" })).toMatchObject({ code: "not_found" });
    const reply = await bob.request({ id: "my-id", type: "kick", room: "r", user: "alice" });
    expect(reply).toMatchObject({ type: "error", replyTo: "my-id", code: "forbidden" });
    expect(typeof reply.message).toBe("string");
  });

  test("rate_limited carries retryAfterMs when a user sends faster than the limit", async () => {
    const server = await run.start({ args: ["--rate-limit"] });
    const alice = await user("alice");
    await alice.call({ type: "create", room: "r" });
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        alice.request({ type: "send", room: "r", text: `m${i}` }),
      ),
    );
    const limited = replies.filter((r) => r.type === "error");
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ code: "rate_limited" });
    expect(limited[0]!.retryAfterMs as number).toBeGreaterThan(0);
  });

  test("malformed frames get bad_request, keep the connection open and change nothing", async () => {
    const server = await run.start();
    const alice = await user("alice");
    await alice.call({ type: "create", room: "r" });
    await alice.call({ type: "send", room: "r", text: "before" });
    const frames = [
      "not json",
      "[]",
      "null",
      '{"type":42}',
      '{"type":"nope"}',
      '{"type":"send","room":"r"}',
      '{"type":"send","room":"r","text":123}',
      '{"type":"create","room":"r2","open":"yes"}',
      '{"type":"history","room":"r","user":"bob"}',
      '{"type":"join","room":{"__proto__":{"admin":true}}}',
      JSON.stringify({ type: "send", room: "r", text: "x".repeat(20_000) }),
    ];
    for (const f of frames) alice.sendRaw(f);
    alice.sendRaw(new Uint8Array([1, 2, 3]));
    for (let i = 0; i < frames.length + 1; i++) {
      expect(await alice.next("error")).toMatchObject({ code: "bad_request" });
    }
    const tagged = await alice.request({ type: "send", room: "r" });
    expect(tagged).toMatchObject({ type: "error", code: "bad_request" });
    expect(await alice.call({ type: "rooms" })).toMatchObject({ rooms: [{ name: "r" }] });
    const history = await alice.call({ type: "history", room: "r" });
    expect((history.messages as { text: string }[]).map((m) => m.text)).toEqual(["before"]);
  });

  test("a frame over 64 KiB gets bad_request; one over 1 MiB closes that connection only", async () => {
    const server = await run.start();
    const alice = await user("alice");
    const bob = await user("bob");
    const big = await alice.request({ type: "ping", pad: "x".repeat(70 * 1024) });
    expect(big).toMatchObject({ type: "error", code: "bad_request" });
    alice.sendRaw(JSON.stringify({ type: "ping", pad: "x".repeat(1100 * 1024) }));
    expect((await alice.closed).code).toBe(1009);
    expect(await bob.call({ type: "ping" })).toMatchObject({ type: "pong" });
  });

  test("a connection flooding garbage is closed with 4029 while rate limits are on", async () => {
    const server = await run.start({ args: ["--rate-limit"] });
    const flood = await TestClient.connect(server.url);
    run.track(flood);
    for (let i = 0; i < 500 && flood.ws.readyState === WebSocket.OPEN; i++)
      flood.sendRaw("garbage");
    expect((await flood.closed).code).toBe(4029);
    const other = await TestClient.connect(server.url);
    run.track(other);
    expect(await other.call({ type: "ping" })).toMatchObject({ type: "pong" });
  });
});
