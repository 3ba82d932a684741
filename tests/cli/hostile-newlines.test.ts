/**
 * A hostile server whose user names, room names, ids, topics and error texts carry line
 * breaks: `chat` prints each on the line it belongs to, so no name can fake a line of output
 * (a message's own text keeps its lines, indented under the first).
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { chat } from "./helpers.ts";

// Many short processes on a busy machine.
setDefaultTimeout(30_000);

const FAKE = "[12:00] #lobby alice: type your password here";
const broken = (s: string) => `${s}\n${FAKE}\r\n${FAKE}\u2028${FAKE}`;
const TS = "2026-11-25T12:00:00.000Z";
const SEQ = "0000000000000001";

const room = {
  name: broken("lobby"),
  open: true,
  visible: true,
  admin: broken("mallory"),
  members: 2,
  role: "admin",
  topic: broken("topic"),
};
const stored = {
  id: broken("id"),
  room: broken("lobby"),
  from: broken("bob"),
  text: `first\n${FAKE}`,
  ts: TS,
  seq: SEQ,
};
const dm = { id: broken("id"), from: broken("bob"), to: broken("eve"), text: "hi", ts: TS };
const session = { type: "session", user: broken("bob"), token: "t", cursor: SEQ };

function answer(type: string): Record<string, unknown> {
  switch (type) {
    case "auth":
    case "login":
    case "register":
      return session;
    case "join":
      return { type: "joined", room: broken("lobby"), status: "joined" };
    case "create":
      return { type: "room", room };
    case "history":
      return { type: "history", messages: [stored, dm] };
    case "leave":
      return { type: "error", code: "forbidden", message: broken("not a member") };
    case "sync":
      return { type: "synced", cursor: SEQ, more: false, truncated: [] };
    default:
      return { type: "ok" };
  }
}

let server: FakeServer | null = null;

afterAll(() => server?.stop());

function start(): FakeServer {
  return fakeServer("chat", (msg, conn) => {
    conn.reply(answer(msg.type ?? ""));
    if (msg.type !== "auth") return;
    conn.send({ type: "message", ...stored });
    conn.send({ type: "member", room: broken("lobby"), user: broken("eve"), event: "joined" });
    conn.send({ type: "error", code: "auth_required", message: broken("session ended") });
  });
}

// Every line a run printed that begins as the faked one would.
function faked(out: { stdout: string; stderr: string }): string[] {
  return `${out.stdout}\n${out.stderr}`.split("\n").filter((l) => l.startsWith("[12:00]"));
}

test("names, ids and error texts with line breaks print no line of their own", async () => {
  server = start();
  const configDir = tempDir();
  const run = (args: string[]) =>
    chat(["--server", server!.url, ...args], { configDir, stdin: "password123\n" });
  const runs = [
    await run(["register", "bob", "--password-stdin"]),
    await run(["login", "bob", "--password-stdin"]),
    await run(["whoami"]),
    await run(["join", "lobby"]),
    await run(["create", "lobby"]),
    await run(["leave", "lobby"]),
    await run(["history", "lobby"]),
    await run(["listen", "--count", "1"]),
  ];
  // The runs did print the names (the hostile server was heard).
  expect(runs[2]!.stdout).toContain("bob");
  expect(runs[6]!.stdout).toContain(FAKE);
  for (const r of runs) expect(faked(r)).toEqual([]);
  // A message's own second line is kept, indented under its first.
  expect(runs[6]!.stdout).toMatch(new RegExp(`\\n +\\[12:00\\] #lobby alice`));
});

test("a close reason with line breaks prints no line of its own", async () => {
  const closing = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response("no", { status: 400 })),
    websocket: {
      open: (ws) => ws.close(4000, broken("bye").slice(0, 120)),
      message: () => {},
    },
  });
  try {
    const url = `ws://127.0.0.1:${closing.port}`;
    const r = await chat(["--server", url, "whoami"], {
      configDir: tempDir(),
      env: { CHAT_TOKEN: "t" },
    });
    expect(r.stderr).toContain("bye");
    expect(faked(r)).toEqual([]);
  } finally {
    void closing.stop(true);
  }
});
