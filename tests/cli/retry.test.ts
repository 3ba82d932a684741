import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { type FakeFrame, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { chat, jsonLines } from "./helpers.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

/**
 * A stand-in server speaking just enough of the protocol: it drops the connection on the
 * first `send`, before acknowledging it, as a server restarting at that moment would.
 */
function droppingServer() {
  const sends: FakeFrame[] = [];
  const server = fakeServer("fake", (msg, conn) => {
    if (msg.type === "auth") {
      conn.reply({ type: "session", user: "alice", token: "t" });
    } else if (msg.type === "send") {
      sends.push(msg);
      if (sends.length === 1) return conn.close(1001, "going away");
      const message = {
        id: "m1",
        room: msg.room,
        from: "alice",
        text: msg.text,
        ts: new Date().toISOString(),
      };
      conn.reply({ type: "sent", message });
    }
  });
  return { server, sends };
}

describe("chat send when the connection drops before the acknowledgement", () => {
  test("sends again with the same client id, and exits 0 once acknowledged", async () => {
    const { server, sends } = droppingServer();
    try {
      const result = await chat(["--server", server.url, "send", "lobby", "once", "--json"], {
        configDir: tempDir(),
        env: { CHAT_TOKEN: "t" },
      });
      expect(result.code).toBe(0);
      expect(jsonLines(result.stdout)[0]).toMatchObject({ type: "message", text: "once" });
      expect(sends).toHaveLength(2);
      expect(sends[0]?.clientId).toBeString();
      expect(sends[1]?.clientId).toBe(sends[0]?.clientId ?? "");
    } finally {
      server.stop();
    }
  });
});
