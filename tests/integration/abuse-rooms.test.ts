/**
 * The room attacks of SPEC 6 at a small scale through the real server: one account creating
 * rooms without end, `rooms` and `history` replies too big to read, a user in very many rooms,
 * and settings of a big room stored whole; each refused or bounded, also after a restart.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registered, loggedIn, type Received, type Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ timeoutMs: 60_000 });

const KIB = 1024;
const MIB = 1024 * KIB;
/** What a reader may have queued before the server calls it slow (4008). */
const SLOW_READER_BYTES = MIB;

async function user(name: string): Promise<Wire> {
  const w = await registered(run.server.url, name);
  run.track(w);
  return w;
}

/** The lines of a data folder's journal, oldest first. */
function journalLines(dataDir: string): string[] {
  return readFileSync(join(dataDir, "journal.jsonl"), "utf8").trim().split("\n");
}

/**
 * Journal lines as the change ops apart from the `log` lines of their events (kept for `sync`),
 * those events' types, and the longest line of all.
 */
function written(lines: string[]): { changes: unknown[]; events: string[]; longest: number } {
  const ops = lines.map(
    (l) => JSON.parse(l) as { op: string; entry?: { event: { type: string } } },
  );
  return {
    changes: ops.filter((op) => op.op !== "log"),
    events: ops.flatMap((op) => (op.op === "log" ? [op.entry!.event.type] : [])),
    longest: Math.max(...lines.map((l) => l.length)),
  };
}

// The size of a reply as the server sent it: JSON.stringify keeps its key order and text.
const bytes = (m: Received) => Buffer.byteLength(JSON.stringify(m));

describe("Room quotas through the real server", () => {
  test("the 51st room of one account is refused, and still after a restart", async () => {
    // Rate limits on, with a creation burst large enough not to be what refuses.
    const args = ["--rate-limit", "--room-create-limit", "100/1"];
    let server = await run.start({ args });
    const mallory = await user("mallory");
    for (let i = 0; i < 50; i++) await mallory.ok({ type: "create", room: `spam-${i}` });
    const refused = await mallory.request({ type: "create", room: "spam-50" });
    expect(refused).toMatchObject({
      type: "error",
      code: "forbidden",
      message: "you already administer 50 rooms, the most one user may have; shut one down first",
    });
    // Others are not affected.
    const bob = await user("bob");
    await bob.ok({ type: "create", room: "bobs" });
    await run.closeTracked();
    const dataDir = server.dataDir;
    await server.stop();
    server = await run.start({ args, dataDir });
    const again = await loggedIn(server.url, "mallory");
    run.track(again);
    expect(await again.request({ type: "create", room: "spam-50" })).toMatchObject({
      code: "forbidden",
    });
    await again.ok({ type: "shutdown", room: "spam-0" });
    await again.ok({ type: "create", room: "spam-50" });
  });

  test("room creation is limited to a burst, then refused with retryAfterMs", async () => {
    const server = await run.start({ args: ["--rate-limit"] });
    const mallory = await user("mallory");
    for (let i = 0; i < 10; i++) await mallory.ok({ type: "create", room: `fast-${i}` });
    const limited = await mallory.request({ type: "create", room: "fast-10" });
    expect(limited).toMatchObject({ code: "rate_limited" });
    expect(Number(limited.retryAfterMs)).toBeGreaterThan(0);
    expect(Number(limited.retryAfterMs)).toBeLessThanOrEqual(1000);
  });

  test("joining past --max-rooms-joined is refused clearly, and still after a restart", async () => {
    const args = ["--max-rooms-joined", "3"];
    let server = await run.start({ args });
    const ada = await user("ada");
    for (const name of ["a1", "a2", "a3"]) await ada.ok({ type: "create", room: name });
    const bob = await user("bob");
    await bob.ok({ type: "create", room: "b1" });
    await bob.ok({ type: "join", room: "a1" });
    await bob.ok({ type: "join", room: "a2" });
    const refused = await bob.request({ type: "join", room: "a3" });
    expect(refused).toMatchObject({
      code: "forbidden",
      message: "you are in 3 rooms (joined or asked to join), the most allowed; leave one first",
    });
    await run.closeTracked();
    const dataDir = server.dataDir;
    await server.stop();
    server = await run.start({ args, dataDir });
    const again = await loggedIn(server.url, "bob");
    run.track(again);
    expect(await again.request({ type: "join", room: "a3" })).toMatchObject({
      code: "forbidden",
    });
    await again.ok({ type: "leave", room: "a1" });
    expect(await again.ok({ type: "join", room: "a3" })).toMatchObject({ status: "joined" });
  });
});

describe("Bounded replies through the real server", () => {
  test("a `rooms` page of 200-character topics stays far below the slow-reader threshold", async () => {
    const server = await run.start({ args: ["--max-rooms-per-user", "50"] });
    // The widest topic: 200 characters of three bytes each.
    const topic = "€".repeat(200);
    const owners = await Promise.all(["o1", "o2", "o3", "o4", "o5"].map(user));
    await Promise.all(
      owners.map(async (w, i) => {
        for (let r = 0; r < 50; r++) {
          await w.ok({ type: "create", room: `r${i}-${String(r).padStart(2, "0")}`, topic });
        }
      }),
    );
    const reader = await user("reader");
    const first = await reader.ok({ type: "rooms" });
    expect((first.rooms as unknown[]).length).toBe(200);
    expect(first.next).toBe("r3-49");
    expect(bytes(first)).toBeLessThan(SLOW_READER_BYTES / 4);
    const second = await reader.ok({ type: "rooms", cursor: first.next });
    expect((second.rooms as unknown[]).length).toBe(50);
    expect(second.next).toBeUndefined();
  });

  test("history of 200 x 4,000 characters: pages of at most 512 KiB, `before` walks them all", async () => {
    const server = await run.start();
    const ada = await user("ada");
    await ada.ok({ type: "create", room: "long" });
    const filler = "x".repeat(4000);
    for (let i = 0; i < 200; i++) {
      await ada.ok({ type: "send", room: "long", text: `${i} ${filler}`.slice(0, 4000) });
    }
    const seen: string[] = [];
    let ask: Record<string, unknown> = { type: "history", room: "long", limit: 200 };
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = await ada.ok(ask);
      expect(bytes(page)).toBeLessThanOrEqual(512 * KIB);
      const messages = page.messages as { id: string; text: string }[];
      seen.unshift(...messages.map((m) => m.text.split(" ")[0]!));
      if (page.more !== true) break;
      ask = { type: "history", room: "long", limit: 200, before: messages[0]!.id };
    }
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });
});

describe("Room settings in the journal", () => {
  test("edit and shutdown are short lines that survive kill -9 with the members kept", async () => {
    let server = await run.start();
    const ada = await user("ada");
    await ada.ok({ type: "create", room: "big" });
    for (let i = 0; i < 30; i++) {
      const w = await user(`m${i}`);
      await w.ok({ type: "join", room: "big" });
    }
    const before = journalLines(server.dataDir).length;
    await ada.ok({ type: "edit", room: "big", topic: "moved", open: false });
    const edit = written(journalLines(server.dataDir).slice(before));
    expect(edit.changes).toEqual([
      { op: "room_set", room: "big", open: false, visible: true, topic: "moved", shutDown: false },
    ]);
    expect(edit.events).toEqual(["room_update"]);
    expect(edit.longest).toBeLessThan(250);
    await run.closeTracked();
    const dataDir = server.dataDir;
    await server.kill();
    server = await run.start({ dataDir });
    const again = await loggedIn(server.url, "ada");
    run.track(again);
    const listed = await again.ok({ type: "rooms" });
    expect(listed.rooms).toEqual([
      {
        name: "big",
        open: false,
        visible: true,
        admin: "ada",
        members: 31,
        role: "admin",
        topic: "moved",
        unread: 0,
        mentions: 0,
      },
    ]);
    const beforeShutdown = journalLines(dataDir).length;
    await again.ok({ type: "shutdown", room: "big" });
    const shutdown = written(journalLines(dataDir).slice(beforeShutdown));
    expect(shutdown.changes).toEqual([
      { op: "room_set", room: "big", open: false, visible: true, topic: "moved", shutDown: true },
    ]);
    expect(shutdown.events).toEqual(["room_shutdown"]);
    expect(shutdown.longest).toBeLessThan(250);
    await run.closeTracked();
    await server.kill();
    server = await run.start({ dataDir });
    const member = await loggedIn(server.url, "m3");
    run.track(member);
    expect((await member.ok({ type: "rooms" })).rooms).toEqual([]);
    expect(((await member.ok({ type: "who", room: "big" })).users as unknown[]).length).toBe(31);
    const outsider = await user("nora");
    expect(await outsider.request({ type: "who", room: "big" })).toMatchObject({
      code: "forbidden",
    });
  });
});
