/**
 * The `chat` program against a hostile server: replies of the right type with malformed
 * bodies, wrong types, garbage frames, unknown events. It must end with one of its exit
 * codes and a one-line diagnostic: no hang, no stack trace, nothing a terminal acts on.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { chat } from "../cli/helpers.ts";
import { mulberry32 } from "../fuzz/frames.ts";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { UNSAFE } from "../helpers/terminal-safety.ts";

const EXIT_CODES = [0, 1, 2, 3, 4, 5, 6, 7];

const EVIL = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e";
const ODD: unknown[] = [null, 1, -1, true, "", EVIL, [], [null], [1, "x"], {}, { a: EVIL }];

/** A hostile body for a reply (or event) of `type`, from `rand`. */
function hostileReply(type: string, rand: () => number): Record<string, unknown> {
  const odd = () => ODD[Math.floor(rand() * ODD.length)];
  const good = {
    id: "0190a000-0000-7000-8000-000000000001",
    room: "lobby",
    from: "eve",
    to: "bob",
    text: `hi ${EVIL}`,
    ts: "2026-11-25T12:00:00.000Z",
  };
  const bodies: Record<string, unknown>[] = [
    { type, messages: odd(), rooms: odd(), users: odd(), message: odd(), requests: odd() },
    { type, messages: [odd(), { ...good, ts: odd() }], rooms: [odd()], users: [odd()] },
    { type, message: { ...good, id: odd(), text: odd() }, room: odd(), status: odd() },
    { type, rooms: [{ name: odd(), admin: odd(), members: odd(), role: odd(), topic: odd() }] },
    { type, users: [{ user: odd(), status: odd(), typing: odd() }] },
    { type: "error", code: odd(), message: odd(), retryAfterMs: odd() },
    { type: "error", code: "rate_limited", message: EVIL, retryAfterMs: -5 },
    { type: odd() },
  ];
  return bodies[Math.floor(rand() * bodies.length)]!;
}

/** A server that authenticates anyone and answers everything else with hostile replies. */
function hostileServer(seed: number): FakeServer {
  const rand = mulberry32(seed);
  return fakeServer("evil", (msg, conn) => {
    if (msg.type === "auth") {
      conn.reply({ type: "session", user: "bob", token: "t" });
      return;
    }
    // Noise first: garbage, unknown events, a frame with a stray replyTo.
    const noise = [
      "not json",
      "[]",
      JSON.stringify({ type: "surprise", text: EVIL }),
      JSON.stringify({ type: "message", id: 5, room: null }),
      JSON.stringify({ type: "ok", replyTo: "no-such-request" }),
    ];
    conn.send(noise[Math.floor(rand() * noise.length)]!);
    const replyType =
      { send: "sent", dm: "dm_sent", history: "history", rooms: "rooms", who: "who" }[
        String(msg.type)
      ] ?? "ok";
    conn.reply(hostileReply(replyType, rand));
  });
}

const COMMANDS = [
  ["history", "lobby"],
  ["rooms"],
  ["who", "lobby"],
  ["send", "lobby", "hi"],
  ["dm", "eve", "hi"],
  ["--json", "history", "lobby"],
  ["--json", "rooms"],
];

describe("chat against a hostile server", () => {
  let configDir = "";
  beforeAll(() => {
    configDir = tempDir("chat-cfg-");
  });

  test("every command ends with an exit code of the spec, a short message and no stack", async () => {
    const problems: string[] = [];
    const runs: Promise<void>[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      runs.push(
        (async () => {
          const server = hostileServer(seed);
          try {
            for (const args of COMMANDS) {
              const {
                code,
                stdout: out,
                stderr: err,
              } = await chat(["--server", server.url, "--timeout", "3", ...args], {
                configDir,
                env: { CHAT_TOKEN: "t", NO_COLOR: "1" },
              });
              const what = `seed ${seed} chat ${args.join(" ")} (exit ${code})`;
              if (!EXIT_CODES.includes(code)) problems.push(`${what}: exit code`);
              if (/\n\s+at /.test(err) || /\n\s+at /.test(out)) {
                problems.push(`${what}: stack trace: ${err.slice(0, 300)}`);
              }
              if (UNSAFE.test(out) || UNSAFE.test(err)) {
                problems.push(
                  `${what}: terminal controls: ${JSON.stringify(out + err).slice(0, 300)}`,
                );
              }
              if (code !== 0 && err.trim() === "") problems.push(`${what}: failed silently`);
            }
          } finally {
            server.stop();
          }
        })(),
      );
    }
    await Promise.all(runs);
    expect(problems).toEqual([]);
  }, 120_000);
});
