import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { startServer } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

let server: TestServer | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.stop();
  server = null;
});

describe("Server basics", () => {
  test("GET /health answers 200 with JSON", async () => {
    server = await startServer();
    const res = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });

  test("register, create, send and history round-trip; the token resumes the session", async () => {
    server = await startServer();
    const { client: alice, token } = await registered(server.url, "alice");
    clients.push(alice);
    await alice.call({ type: "create", room: "#Lobby" });
    const sent = await alice.call({ type: "send", room: "lobby", text: "  hello  " });
    expect(sent.type).toBe("sent");
    const message = sent.message as { id: string; text: string; room: string; from: string };
    expect(message).toMatchObject({ text: "hello", room: "lobby", from: "alice" });
    const event = await alice.next("message");
    expect(event.id).toBe(message.id);

    const again = await authed(server.url, token, "oneshot");
    clients.push(again);
    const history = await again.call({ type: "history", room: "lobby" });
    expect(history.messages).toEqual([message]);
  });

  test("SIGTERM exits 0", async () => {
    server = await startServer();
    await server.stop();
    expect(server.proc.exitCode).toBe(0);
    server = null;
  });
});
