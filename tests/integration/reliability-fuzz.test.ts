/**
 * Hostile frames over real connections: before and after authentication, as a member and
 * not. Every frame is answered, the connection stays usable, the server stays up, and frames
 * that are refused change no stored data.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emptyStats, sendHostile } from "../fuzz/driver.ts";
import { FrameGenerator, frameText, mulberry32, type Frame } from "../fuzz/frames.ts";
import { CONTEXT, fuzzRole, NO_REPLY, populate, type FuzzRole } from "../fuzz/scenario.ts";
import { isAlive, Wire, type Received } from "../fuzz/wire.ts";
import { mib, rssBytes } from "../helpers/process.ts";
import { parseClientMessage } from "../../shared/parse.ts";
import type { TestServer } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

const FRAMES_PER_ROLE = 800;

function start(dataDir?: string): Promise<TestServer> {
  return run.start(dataDir ? { dataDir } : {});
}

/** The data files (not the log) of a stopped server, by name. */
function dataFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".log")) continue;
    out[name] = readFileSync(join(dir, name), "utf8");
  }
  return out;
}

/** What each role can read: rooms, and the history of every room it belongs to. */
async function readable(conns: Record<string, Wire>): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [who, wire] of Object.entries(conns)) {
    if (who === "anonymous") continue;
    const rooms = (await wire.ok({ type: "rooms" })).rooms as { name: string; role: string }[];
    out.push(who, rooms);
    for (const r of rooms.filter((r) => r.role === "member" || r.role === "admin")) {
      out.push((await wire.ok({ type: "history", room: r.name })).messages);
    }
    out.push((await wire.ok({ type: "history", user: "alice" })).messages);
  }
  return out;
}

function text(obj: Record<string, unknown>): Frame {
  return { kind: "text", data: JSON.stringify(obj), label: "refused" };
}

/** Well-formed frames that each role must be refused; none may change anything. */
const REFUSED: Record<"anonymous" | "mallory" | "eve", Frame[]> = {
  anonymous: [
    ...["rooms", "logout", "activity"].map((type) => text({ type })),
    text({ type: "send", room: "lobby", text: "hi" }),
    text({ type: "join", room: "lobby" }),
    text({ type: "create", room: "newroom" }),
    text({ type: "dm", to: "alice", text: "hi" }),
    text({ type: "passwd", old: "alice-password", new: "new-password" }),
    text({ type: "register", user: "alice", password: "password1" }),
    text({ type: "register", user: "../x", password: "password1" }),
    text({ type: "register", user: "newuser", password: "short" }),
    text({ type: "register", user: "constructor", password: "" }),
    text({ type: "login", user: "alice", password: "wrong-password" }),
    text({ type: "login", user: "nobody", password: "password1" }),
    text({ type: "login", user: "__proto__", password: "password1" }),
    text({ type: "auth", token: "not-a-token" }),
  ],
  eve: [
    text({ type: "register", user: "newuser", password: "password1" }),
    text({ type: "send", room: "lobby", text: "hi" }),
    text({ type: "send", room: "secret", text: "hi" }),
    text({ type: "send", room: "gone", text: "hi" }),
    text({ type: "send", room: "nowhere", text: "hi" }),
    text({ type: "send", room: "constructor", text: "hi" }),
    text({ type: "send", room: "../x", text: "hi" }),
    text({ type: "typing", room: "secret", typing: true }),
    text({ type: "history", room: "secret" }),
    text({ type: "history", room: "lobby" }),
    text({ type: "who", room: "attic" }),
    text({ type: "edit", room: "lobby", topic: "mine now" }),
    text({ type: "edit", room: "secret", open: true }),
    text({ type: "shutdown", room: "lobby" }),
    text({ type: "approve", room: "club", user: "mallory" }),
    text({ type: "deny", room: "club", user: "mallory" }),
    text({ type: "kick", room: "lobby", user: "mallory" }),
    text({ type: "requests", room: "club" }),
    text({ type: "create", room: "lobby" }),
    text({ type: "create", room: "../x" }),
    text({ type: "create", room: "x".repeat(33) }),
    text({ type: "join", room: "gone" }),
    text({ type: "join", room: "nowhere" }),
    text({ type: "leave", room: "lobby" }),
    text({ type: "leave", room: "secret" }),
    text({ type: "dm", to: "nobody", text: "hi" }),
    text({ type: "dm", to: "alice", text: " \n\t " }),
    text({ type: "dm", to: "alice", text: "\x1b[31m\x07\u202e" }),
    text({ type: "dm", to: "alice", text: "y".repeat(4001) }),
    text({ type: "passwd", old: "wrong-password", new: "new-password" }),
    text({ type: "passwd", old: "eve-password", new: "short" }),
  ],
  mallory: [
    text({ type: "send", room: "lobby", text: "" }),
    text({ type: "send", room: "lobby", text: "   \n " }),
    text({ type: "send", room: "lobby", text: "\x1b]52;c;eA==\x07\x1b[2J" }),
    text({ type: "send", room: "lobby", text: "y".repeat(4001) }),
    text({ type: "send", room: "club", text: "not yet" }),
    // (A join of lobby, where mallory is a member, is no longer refused: it answers
    // `already` and changes nothing; see the access table.)
    text({ type: "join", room: "club" }),
    text({ type: "kick", room: "lobby", user: "alice" }),
    text({ type: "edit", room: "attic", visible: true }),
    text({ type: "shutdown", room: "attic" }),
    text({ type: "approve", room: "club", user: "mallory" }),
    text({ type: "create", room: "attic" }),
    text({ type: "create", room: "Lobby" }),
    text({ type: "create", room: "#lobby" }),
    text({ type: "dm", to: "../x", text: "hi" }),
    text({ type: "edit", room: "lobby", topic: "t".repeat(201) }),
  ],
};

describe("Hostile frames over real connections", () => {
  test(`${FRAMES_PER_ROLE * 3.75} generated frames: each answered, connection and server alive`, async () => {
    const server = await start();
    CONTEXT.messageIds = (await populate(server.url)).messageIds;
    const gen = new FrameGenerator(2026, CONTEXT);
    const stats = emptyStats();
    const rssBefore = rssBytes(server.proc.pid);
    for (const role of ["anonymous", "member", "outsider"] as FuzzRole[]) {
      await fuzzRole(server.url, role, FRAMES_PER_ROLE, gen, stats);
    }
    // And the three at once, each with its own generator.
    await Promise.all(
      (["anonymous", "member", "outsider"] as FuzzRole[]).map((role, i) =>
        fuzzRole(server.url, role, FRAMES_PER_ROLE / 4, new FrameGenerator(7 + i, CONTEXT), stats),
      ),
    );
    const rssAfter = rssBytes(server.proc.pid);
    const probe = await Wire.open(server.url);
    expect((await probe.request({ type: "ping" })).type).toBe("pong");
    expect(isAlive(server.proc.pid)).toBe(true);
    await probe.ok({ type: "login", user: "alice", password: "alice-password" });
    const state = await readable({ alice: probe });
    await probe.close();
    // What the accepted hostile frames stored survives a clean stop and start.
    await server.stop();
    const restarted = await start(server.dataDir);
    const after = await Wire.open(restarted.url);
    await after.ok({ type: "login", user: "alice", password: "alice-password" });
    expect(await readable({ alice: after })).toEqual(state);
    await after.close();
    expect(stats.problems.slice(0, 10)).toEqual([]);
    expect(stats.closes).toEqual({});
    expect(stats.frames).toBe(FRAMES_PER_ROLE * 3 + (FRAMES_PER_ROLE / 4) * 3);
    expect(stats.parseRejected).toBeGreaterThan(FRAMES_PER_ROLE);
    console.log(
      `fuzz: ${stats.frames} frames, ${stats.parseRejected} malformed; answers ` +
        `${JSON.stringify(stats.answers)}; server RSS ${mib(rssBefore)} -> ${mib(rssAfter)} MB`,
    );
  });

  test("refused frames change nothing: not what the roles can read, not the data files", async () => {
    const first = await start();
    const { tokens } = await populate(first.url);
    await first.stop();
    const before = dataFiles(first.dataDir);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["history.json", "rooms.json", "users.json"]),
    );

    const server = await start(first.dataDir);
    const conns: Record<string, Wire> = { anonymous: await Wire.open(server.url) };
    for (const user of ["mallory", "eve"]) {
      conns[user] = await Wire.open(server.url);
      await conns[user]!.ok({ type: "auth", token: tokens[user] });
    }
    const readBefore = await readable(conns);

    // The scripted refusals, and generated frames that the protocol parser rejects.
    const gen = new FrameGenerator(99, CONTEXT);
    const malformed: Frame[] = [];
    while (malformed.length < 900) {
      const frame = gen.next();
      try {
        if (frame.kind === "binary") throw new Error("binary frames are refused");
        parseClientMessage(frameText(frame));
      } catch {
        malformed.push(frame);
      }
    }
    const stats = emptyStats();
    const answers: Received[] = [];
    const roles = Object.keys(REFUSED) as (keyof typeof REFUSED)[];
    for (const [i, frame] of malformed.entries()) {
      const role = roles[i % roles.length]!;
      for (const f of i < 3 ? REFUSED[role] : [frame]) {
        const outcome = await sendHostile(conns[role]!, f, stats, NO_REPLY);
        if (outcome.answer) answers.push(outcome.answer);
        if (outcome.answer?.type !== "error") {
          stats.problems.push(`${role} not refused: ${frameText(f).slice(0, 100)}`);
        }
      }
    }
    expect(stats.problems.slice(0, 10)).toEqual([]);
    expect(answers.length).toBe(stats.frames);
    expect(await readable(conns)).toEqual(readBefore);
    for (const wire of Object.values(conns)) await wire.close();
    await server.stop();
    expect(dataFiles(first.dataDir)).toEqual(before);
  });
});

describe("Hostile connections", () => {
  test("raw TCP garbage, odd HTTP requests and frames cut mid-way leave the server serving", async () => {
    const server = await start();
    const rand = mulberry32(5);
    const garbage = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const upgrade =
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const payloads: (string | Uint8Array)[] = [
      garbage(10),
      garbage(5000),
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
      `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(100_000)}\r\n\r\n`,
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      upgrade.replace("13", "8"),
      // An upgrade, then a frame header announcing 1 MB that never comes.
      new Uint8Array([
        ...new TextEncoder().encode(upgrade),
        0x81,
        0xff,
        0,
        0,
        0,
        0,
        0,
        0x0f,
        0x42,
        0x40,
      ]),
      // An upgrade, then an unmasked frame (clients must mask).
      new Uint8Array([...new TextEncoder().encode(upgrade), 0x81, 0x02, 0x7b, 0x7d]),
      // An upgrade, then a frame with reserved bits and an unknown opcode.
      new Uint8Array([...new TextEncoder().encode(upgrade), 0xf3, 0x80, 1, 2, 3, 4]),
      `${upgrade}${"x".repeat(1000)}`,
    ];
    const rssBefore = rssBytes(server.proc.pid);
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        payloads.map(async (payload) => {
          const socket = await Bun.connect({
            hostname: "127.0.0.1",
            port: server.port,
            socket: { data() {}, error() {} },
          });
          socket.write(payload);
          await Bun.sleep(5);
          // Half the time a clean end, half the time the socket just goes away.
          if (round % 2 === 0) socket.end();
          else socket.terminate();
        }),
      );
    }
    const probe = await Wire.open(server.url);
    expect((await probe.request({ type: "ping" })).type).toBe("pong");
    await probe.close();
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    expect(isAlive(server.proc.pid)).toBe(true);
    console.log(
      `hostile connections: ${payloads.length * 20} sockets; server RSS ` +
        `${mib(rssBefore)} -> ${mib(rssBytes(server.proc.pid))} MB`,
    );
  });
});

describe("Oversized frames", () => {
  test("a frame over 64 KiB is answered bad_request and the connection stays open", async () => {
    const server = await start();
    const wire = await Wire.open(server.url);
    for (const size of [64 * 1024 + 1, 200_000, 1000 * 1000]) {
      wire.sendJson({ type: "send", room: "lobby", text: "y".repeat(size) });
      const reply = await wire.next((m) => m.type === "error");
      expect(reply.code).toBe("bad_request");
      expect(String(reply.message)).toContain("larger than 65536 bytes");
    }
    expect((await wire.request({ type: "ping" })).type).toBe("pong");
    await wire.close();
  });
});
