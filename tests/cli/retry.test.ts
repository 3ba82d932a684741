import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { tempDir } from "../helpers/server.ts";
import { chat, jsonLines } from "./helpers.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

interface Seen {
  type: string;
  clientId?: string;
  id?: string;
  text?: string;
}

/**
 * A stand-in server speaking just enough of the protocol: it drops the connection on the
 * first `send`, before acknowledging it, as a server restarting at that moment would.
 */
function droppingServer() {
  const sends: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      return srv.upgrade(req) ? undefined : new Response("upgrade", { status: 426 });
    },
    websocket: {
      open(ws) {
        ws.send(JSON.stringify({ type: "welcome", server: "fake", protocol: 1 }));
      },
      message(ws, raw) {
        const msg = JSON.parse(String(raw)) as Seen & Record<string, unknown>;
        if (msg.type === "auth") {
          ws.send(JSON.stringify({ type: "session", replyTo: msg.id, user: "alice", token: "t" }));
        } else if (msg.type === "send") {
          sends.push(msg);
          if (sends.length === 1) return ws.close(1001, "going away");
          const message = {
            id: "m1",
            room: msg.room,
            from: "alice",
            text: msg.text,
            ts: new Date().toISOString(),
          };
          ws.send(JSON.stringify({ type: "sent", replyTo: msg.id, message }));
        }
      },
    },
  });
  return { server, sends };
}

describe("chat send when the connection drops before the acknowledgement", () => {
  test("sends again with the same client id, and exits 0 once acknowledged", async () => {
    const { server, sends } = droppingServer();
    try {
      const result = await chat(
        ["--server", `ws://127.0.0.1:${server.port}`, "send", "lobby", "once", "--json"],
        { configDir: tempDir(), env: { CHAT_TOKEN: "t" } },
      );
      expect(result.code).toBe(0);
      expect(jsonLines(result.stdout)[0]).toMatchObject({ type: "message", text: "once" });
      expect(sends).toHaveLength(2);
      expect(sends[0]?.clientId).toBeString();
      expect(sends[1]?.clientId).toBe(sends[0]?.clientId ?? "");
    } finally {
      server.stop(true);
    }
  });
});
