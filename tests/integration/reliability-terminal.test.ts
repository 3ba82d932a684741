/**
 * Terminal safety: texts carrying CSI and OSC sequences (OSC 52 clipboard writes, title
 * changes), BEL, backspaces, 8-bit CSI and bidi overrides are stored sanitised by the server,
 * and the `chat` program prints nothing a terminal would act on, even from a hostile server.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chat, type RunResult } from "../cli/helpers.ts";
import { registered, Wire } from "../fuzz/wire.ts";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { tempDir } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { unsafeIn } from "../helpers/terminal-safety.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

/** Hostile texts; each keeps the marker `SAFE<n>` visible once sanitised. */
const HOSTILE = [
  "SAFE0\x1b]52;c;cm0gLXJmIH4=\x07 clipboard",
  "SAFE1\x1b]0;pwned title\x1b\\ title",
  "SAFE2\x1b[2J\x1b[H\x1b[31m red \x1b[0m",
  "SAFE3\x07\x07 bell",
  "SAFE3x\b\b\b\b\b\b backspace",
  "SAFE5\x9b2J eight-bit CSI \x9d0;t\x9c",
  "SAFE6 \u202edesrever\u202c \u2066iso\u2069",
  "SAFE7\r\x1b[1A\x1b[2K overwrite",
];

function runChat(server: string, args: string[], token: string): Promise<RunResult> {
  return chat(["--server", server, ...args], {
    configDir: tempDir("chat-cfg-"),
    env: { CHAT_TOKEN: token, NO_COLOR: "1" },
  });
}

describe("Terminal safety on the real server", () => {
  const run = useServer({ isPerFile: true });
  let alice: Wire;
  let token = "";

  beforeAll(async () => {
    alice = run.track(await registered(run.server.url, "alice"));
    const bob = await registered(run.server.url, "bob");
    token = String(bob.received.find((m) => m.type === "session")?.token);
    await bob.close();
    await alice.ok({ type: "create", room: "lobby", topic: "topic \x1b]0;t\x07 \u202e" });
    const b = await Wire.open(run.server.url);
    await b.ok({ type: "auth", token });
    await b.ok({ type: "join", room: "lobby" });
    await b.close();
  });

  test("the server stores and sends every hostile text sanitised", async () => {
    for (const text of HOSTILE) {
      const sent = await alice.ok({ type: "send", room: "lobby", text });
      const stored = (sent.message as { text: string }).text;
      expect(unsafeIn(stored)).toEqual([]);
      expect(stored).toContain(text.slice(0, 5));
      const dm = await alice.ok({ type: "dm", to: "bob", text });
      expect(unsafeIn((dm.message as { text: string }).text)).toEqual([]);
    }
    const history = await alice.ok({ type: "history", room: "lobby" });
    const texts = (history.messages as { text: string }[]).map((m) => m.text);
    expect(texts).toHaveLength(HOSTILE.length);
    for (const t of texts) expect(unsafeIn(t)).toEqual([]);
    // Nothing of the OSC payloads or the title survives.
    expect(texts.join("\n")).not.toContain("cm0gLXJmIH4=");
    expect(texts.join("\n")).not.toContain("pwned");
    const rooms = await alice.ok({ type: "rooms" });
    expect(unsafeIn(JSON.stringify((rooms.rooms as { topic: string }[])[0]?.topic))).toEqual([]);
  });

  test("`chat history` prints the messages with nothing a terminal would act on", async () => {
    const { code, stdout } = await runChat(run.server.url, ["history", "lobby"], token);
    expect(code).toBe(0);
    for (let i = 0; i < HOSTILE.length; i++) expect(stdout).toContain(HOSTILE[i]!.slice(0, 5));
    expect(unsafeIn(stdout)).toEqual([]);
  });
});

/**
 * A hostile server: answers every request and pushes events whose every string field
 * carries terminal sequences. The client must not trust the wire.
 */
function hostileServer(): FakeServer {
  const evil = (s: string) => `${s}\x1b]52;c;ZXZpbA==\x07\x1b[31m\x9b1m\u202e\x07\b`;
  const message = (n: number) => ({
    id: `0190a000-0000-7000-8000-00000000000${n}`,
    room: "lobby",
    from: evil("mallory"),
    text: evil(`SAFE${n} text`),
    ts: new Date(Date.UTC(2026, 10, 25, 12, n)).toISOString(),
  });
  return fakeServer(evil("chat"), (msg, conn) => {
    switch (msg.type) {
      case "auth":
        return conn.reply({ type: "session", user: "bob", token: "t" });
      case "history":
        conn.reply({ type: "history", room: "lobby", messages: [message(1), message(2)] });
        // Live events for `listen`, after its starting point is known.
        conn.send({ type: "message", ...message(3) });
        conn.send({
          type: "dm",
          id: "0190a000-0000-7000-8000-000000000009",
          from: evil("eve"),
          to: "bob",
          text: evil("SAFE4 dm"),
          ts: new Date().toISOString(),
        });
        conn.send({
          type: "presence",
          room: "lobby",
          online: [evil("eve")],
          idle: [],
          offline: [],
          away: {},
        });
        conn.send({ type: "message", ...message(5) });
        return undefined;
      case "rooms":
        return conn.reply({
          type: "rooms",
          rooms: [
            {
              name: "lobby",
              open: true,
              visible: true,
              admin: evil("root"),
              members: 2,
              role: "member",
              topic: evil("topic"),
            },
          ],
        });
      case "who":
        return conn.reply({
          type: "who",
          room: "lobby",
          users: [{ user: evil("eve"), status: "online", typing: false }],
        });
      case "ping":
        return conn.reply({ type: "pong" });
      default:
        return conn.reply({ type: "ok" });
    }
  });
}

describe("Terminal safety against a hostile server", () => {
  let fake: FakeServer;

  beforeAll(() => {
    fake = hostileServer();
  });

  afterAll(() => {
    fake?.stop();
  });

  for (const args of [
    ["history", "lobby"],
    ["rooms"],
    ["who", "lobby"],
    ["listen", "lobby", "--count", "2"],
  ]) {
    test(`\`chat ${args.join(" ")}\` prints nothing a terminal would act on`, async () => {
      const { stdout, stderr } = await runChat(fake.url, args, "t");
      expect(stdout.length).toBeGreaterThan(0);
      expect(unsafeIn(stdout)).toEqual([]);
      expect(unsafeIn(stderr)).toEqual([]);
      expect(stdout).not.toContain("ZXZpbA==");
      if (args[0] === "history") expect(stdout).toContain("SAFE2 text");
      if (args[0] === "listen") expect(stdout).toContain("SAFE3 text");
    });
  }
});
