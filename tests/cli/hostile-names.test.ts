/**
 * Every one-shot command against a server whose every name, topic, message and error text
 * carries terminal controls: OSC 0 (window title), OSC 52 (clipboard), CSI, 8-bit C1
 * controls, bidi overrides. What `chat` prints on stdout and stderr is inert, with colour
 * off, with colour forced on, and as --json lines.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { unsafeIn } from "../helpers/terminal-safety.ts";
import { chat } from "./helpers.ts";

// Many short processes on a busy machine.
setDefaultTimeout(30_000);

const EVIL = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J\x9d0;t\x9c\x85\u202e\u2066\u2028";
const evil = (s: string) => `${s}${EVIL}`;
const SGR = /\x1b\[\d+m/g;
const TS = "2026-11-25T12:00:00.000Z";

const room = {
  name: evil("lobby"),
  open: true,
  visible: true,
  admin: evil("mallory"),
  members: 2,
  role: "admin",
  topic: evil("topic"),
};
const stored = { id: evil("id"), room: evil("lobby"), from: evil("bob"), text: evil("hi"), ts: TS };
const dm = { id: evil("id"), from: evil("bob"), to: evil("eve"), text: evil("hi"), ts: TS };

/** What the hostile server answers to each request type. */
function answer(type: string): Record<string, unknown> {
  switch (type) {
    case "auth":
    case "login":
    case "register":
      return { type: "session", user: evil("bob"), token: "t" };
    case "join":
      return { type: "joined", room: evil("lobby"), status: "joined" };
    case "create":
    case "edit":
      return { type: "room", room };
    case "rooms":
      return { type: "rooms", rooms: [room] };
    case "who":
      return { type: "who", users: [{ user: evil("eve"), status: "online", typing: true }] };
    case "requests":
      return { type: "requests", requests: [{ room: evil("lobby"), user: evil("eve") }] };
    case "history":
      return { type: "history", messages: [stored, dm] };
    case "send":
      return { type: "sent", message: stored };
    case "dm":
      return { type: "dm_sent", message: dm };
    case "leave":
      return { type: "error", code: "forbidden", message: evil("not a member") };
    case "kick":
      return { type: "error", code: "not_found", message: evil("no such user") };
    case "sessions":
      return {
        type: "sessions",
        sessions: [
          {
            id: evil("s1"),
            created: TS,
            lastUsed: TS,
            client: evil("chat"),
            address: evil("1.2.3.4"),
            current: true,
          },
        ],
      };
    case "revoke":
      return { type: "error", code: "not_found", message: evil("no such session") };
    case "deny":
      return { type: "error", code: "rate_limited", message: evil("slow"), retryAfterMs: 900 };
    default:
      return { type: "ok" };
  }
}

function hostileServer(): FakeServer {
  let histories = 0;
  return fakeServer(evil("chat"), (msg, conn) => {
    conn.reply(answer(String(msg.type)));
    // `listen` is told things as they happen, once it has asked where the room stands.
    if (msg.type === "history") {
      histories += 1;
      setTimeout(() => {
        conn.send({ type: "error", code: "internal", message: evil("server trouble") });
        conn.send({
          type: "presence",
          room: "lobby",
          online: [],
          idle: [evil("eve")],
          offline: [],
          away: { [evil("eve")]: evil("away") },
        });
        conn.send({ type: "member", room: evil("lobby"), user: evil("eve"), event: "joined" });
        // In the room listened to, so that it counts towards --count.
        conn.send({ type: "message", ...stored, room: "lobby", id: `live-${histories}` });
      }, 30);
    }
  });
}

/** A command line, and what its output must still show once made inert. */
const COMMANDS: [string[], string][] = [
  [["login", "bob", "--password-stdin"], "bob"],
  [["register", "bob", "--password-stdin"], "bob"],
  [["whoami"], "bob"],
  [["join", "lobby"], "lobby"],
  [["create", "qa"], "lobby"],
  [["createroom", "qa", "closed"], "topic"],
  [["edit", "qa", "--closed"], "topic"],
  [["editroom", "qa", "open", "visible"], "lobby"],
  [["rooms"], "mallory"],
  [["who", "lobby"], "eve"],
  [["requests"], "eve"],
  [["history", "lobby"], "hi"],
  [["history", "@eve"], "eve"],
  [["send", "lobby", "hi"], ""],
  [["dm", "eve", "hi"], ""],
  [["leave", "lobby"], "not a member"],
  [["kick", "lobby", "eve"], "no such user"],
  [["deny", "lobby", "eve"], "slow"],
  [["approve", "lobby", "eve"], "eve"],
  [["sessions"], "1.2.3.4"],
  [["revoke", "s1"], "no such session"],
  [["listen", "lobby", "--count", "1"], "server trouble"],
];

const MODES: { name: string; args: string[]; env: Record<string, string> }[] = [
  { name: "colour off", args: [], env: { NO_COLOR: "1" } },
  { name: "colour forced on", args: [], env: { FORCE_COLOR: "1" } },
  { name: "--json", args: ["--json"], env: {} },
];

describe("every command against a server with hostile names and error texts", () => {
  const server = hostileServer();
  afterAll(() => server.stop());

  for (const mode of MODES) {
    test(`stdout and stderr carry no terminal control (${mode.name})`, async () => {
      const problems: string[] = [];
      const runOne = async ([args, shown]: [string[], string]) => {
        const result = await chat(
          ["--server", server.url, "--timeout", "5", ...mode.args, ...args],
          {
            configDir: tempDir("chat-cfg-"),
            env: { CHAT_TOKEN: "t", ...mode.env },
            stdin: "correct horse battery\n",
          },
        );
        const what = `chat ${args.join(" ")} (exit ${result.code})`;
        const both = result.stdout + result.stderr;
        const unsafe = unsafeIn(mode.name === "colour forced on" ? both.replace(SGR, "") : both);
        if (unsafe.length > 0)
          problems.push(`${what}: ${unsafe.join(" ")} in ${JSON.stringify(both)}`);
        if (mode.name !== "colour forced on" && both.includes("\x1b"))
          problems.push(`${what}: ESC`);
        if (!both.includes(shown))
          problems.push(`${what}: '${shown}' not shown in ${JSON.stringify(both)}`);
        if (mode.name === "--json") {
          if (/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(result.stdout)) {
            problems.push(`${what}: raw separator or bidi control in JSON`);
          }
          for (const line of result.stdout.split("\n").filter(Boolean)) {
            try {
              JSON.parse(line);
            } catch {
              problems.push(`${what}: not JSON: ${line}`);
            }
          }
        }
      };
      // A few at a time: each is a process of its own.
      for (let i = 0; i < COMMANDS.length; i += 5) {
        await Promise.all(COMMANDS.slice(i, i + 5).map(runOne));
      }
      expect(problems).toEqual([]);
    });
  }
});
