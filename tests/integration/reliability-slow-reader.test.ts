/**
 * A slow reader (a raw TCP client that stops reading) while others chat at full speed:
 * the others keep receiving everything, the slow one is disconnected with a clear close code
 * instead of growing the server's memory, and it can reconnect and catch up from history.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RawSocket } from "../fuzz/raw-socket.ts";
import { loggedIn, type Received, registered, type Wire } from "../fuzz/wire.ts";
import { mib, rssBytes } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { namesUser } from "../helpers/presence.ts";

const run = useServer();

const PER_SENDER = 2500;
const TEXT = "x".repeat(2000);
const WINDOW = 100;
// How long the stopped `chat listen` may take, once resumed, to print what it missed.
const CATCH_UP_MS = 30_000;

/** Send `count` messages, at most WINDOW unacknowledged at a time; returns the stored ids. */
async function flood(wire: Wire, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += WINDOW) {
    const batch = Array.from({ length: Math.min(WINDOW, count - done) }, (_, i) =>
      wire.ok({ type: "send", room: "lobby", text: `${tag}${done + i} ${TEXT}` }),
    );
    for (const reply of await Promise.all(batch)) {
      ids.push((reply.message as { id: string }).id);
    }
  }
  return ids;
}

/**
 * Every message id of lobby, paging back from the newest with `before` while the reply says
 * `more` (a page is bounded in bytes, so it may hold fewer than asked and still say `more`).
 */
async function allIds(wire: Wire): Promise<string[]> {
  const pages: string[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = await wire.ok({
      type: "history",
      room: "lobby",
      limit: 500,
      ...(before ? { before } : {}),
    });
    const got = (page.messages as { id: string }[]).map((m) => m.id);
    pages.unshift(got);
    if (page.more !== true || got.length === 0) return pages.flat();
    before = got[0];
  }
}

/** The message ids of lobby after `after`, paging forward while `more`: a reconnect's catch-up. */
async function idsAfter(wire: Wire, after: string): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor = after; ;) {
    const page = await wire.ok({ type: "history", room: "lobby", limit: 500, after: cursor });
    const got = (page.messages as { id: string }[]).map((m) => m.id);
    ids.push(...got);
    if (page.more !== true || got.length === 0) return ids;
    cursor = got.at(-1)!;
  }
}

/**
 * The first frame matching `pred` that `wire` received since its `from`th frame, so far or
 * within `timeoutMs`. Waiting only when needed leaves no waiter behind when a test fails first.
 */
async function receivedSince(
  wire: Wire,
  from: number,
  pred: (m: Received) => boolean,
  timeoutMs: number,
): Promise<Received> {
  return wire.received.slice(from).find(pred) ?? (await wire.next(pred, timeoutMs));
}

function messageIds(frames: { type: string; id?: unknown }[]): string[] {
  return frames.filter((m) => m.type === "message").map((m) => String(m.id));
}

describe("Slow reader", () => {
  test("is disconnected with 4008 while the others receive everything; then catches up", async () => {
    const server = await run.start({ args: ["--history-limit", "10000"] });
    const { url } = server;
    const alice = await registered(url, "alice");
    await alice.ok({ type: "create", room: "lobby" });
    const carol = await registered(url, "carol");
    await carol.ok({ type: "join", room: "lobby" });
    const bob = await registered(url, "bob", "listen");
    await bob.ok({ type: "join", room: "lobby" });

    const sam = await RawSocket.connect(url);
    sam.send({ type: "register", user: "sam", password: "sam-password", mode: "listen" });
    await sam.waitFor(() => sam.texts.some((t) => t.includes('"session"')));
    sam.send({ type: "join", room: "lobby", id: "j" });
    await sam.waitFor(() => sam.texts.some((t) => t.includes('"joined"')));
    sam.pause();

    const bobFrom = bob.received.length;
    const rss: number[] = [rssBytes(server.proc.pid) ?? 0];
    const sampler = setInterval(async () => {
      if (server) rss.push(rssBytes(server.proc.pid) ?? 0);
    }, 100);
    const sent = await Promise.all([flood(alice, PER_SENDER, "a"), flood(carol, PER_SENDER, "c")]);
    clearInterval(sampler);
    const total = PER_SENDER * 2;

    // The slow reader was dropped (its presence went offline while it was still not reading).
    await receivedSince(bob, bobFrom, namesUser("sam", "offline"), 30_000);
    // Every other reader received every message, once, in the stored order.
    if (messageIds(bob.received).length < total) {
      await bob.next(() => messageIds(bob.received).length >= total, 30_000);
    }
    const bobIds = messageIds(bob.received);
    expect(bobIds.length).toBe(total);
    const stored = await allIds(alice);
    expect(stored.length).toBe(total);
    expect(bobIds).toEqual(stored);
    expect(new Set(sent.flat())).toEqual(new Set(stored));

    // Reading again, the slow client finds a clear close code after what was buffered.
    sam.resume();
    await sam.waitFor(() => sam.closeCode !== null || sam.isEnded, 15_000);
    expect(sam.closeCode).toBe(4008);
    expect(sam.closeReason).toContain("slow");

    // It reconnects and catches up from the last message it saw: no gap, no duplicate.
    const seen = messageIds(sam.texts.map((t) => JSON.parse(t)));
    expect(seen.length).toBeLessThan(total);
    const again = await loggedIn(url, "sam", "listen");
    const missed = seen.length > 0 ? await idsAfter(again, seen.at(-1)!) : await allIds(again);
    expect([...seen, ...missed]).toEqual(stored);

    const max = Math.max(...rss);
    console.log(
      `slow reader: ${total} messages of ${TEXT.length + 6} chars to 3 readers; the slow one ` +
        `got ${seen.length} before 4008; server RSS ${mib(rss[0]!)} -> max ${mib(max)} MB`,
    );
    for (const w of [alice, carol, bob, again]) await w.close();
  }, 60_000);
});

describe("Slow `chat listen`", () => {
  test("stopped (SIGSTOP) during a flood, it is dropped, reconnects and prints every message once", async () => {
    const server = await run.start({ args: ["--history-limit", "10000"] });
    const { url } = server;
    const alice = await registered(url, "alice");
    await alice.ok({ type: "create", room: "lobby" });
    const bob = await registered(url, "bob");
    await bob.ok({ type: "join", room: "lobby" });
    const token = String(bob.received.find((m) => m.type === "session")?.token);
    await bob.close();

    const total = PER_SENDER * 3;
    const cli = Bun.spawn(
      [
        "bun",
        join(import.meta.dir, "../../client/main.ts"),
        "--server",
        url,
        "--json",
        "listen",
        "lobby",
        "--count",
        String(total),
      ],
      {
        env: { ...process.env, CHAT_TOKEN: token, CHAT_CONFIG_DIR: tempDir("chat-cfg-") },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    try {
      const stdout = new Response(cli.stdout).text();
      // stderr says "listening on ..." once the starting point is fetched: then stop it.
      let err = "";
      const stderr = (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of cli.stderr) err += decoder.decode(chunk, { stream: true });
        return err;
      })();
      const startBy = Date.now() + 15_000;
      while (!err.includes("listening on")) {
        expect(cli.exitCode).toBeNull();
        if (Date.now() > startBy) throw new Error(`chat listen did not start: ${err}`);
        await Bun.sleep(20);
      }
      cli.kill("SIGSTOP");
      const aliceFrom = alice.received.length;
      await flood(alice, total, "a");
      await receivedSince(alice, aliceFrom, namesUser("bob", "offline"), 30_000);
      cli.kill("SIGCONT");
      // Printing what it missed takes seconds; a listen that never gets there fails here, with
      // what it said, instead of at the test's own timeout.
      const code = await Promise.race([cli.exited, Bun.sleep(CATCH_UP_MS).then(() => null)]);
      if (code === null) {
        throw new Error(`chat listen did not finish ${CATCH_UP_MS} ms after SIGCONT: ${err}`);
      }
      const lines = (await stdout)
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; id: string });
      expect(code).toBe(0);
      expect(await stderr).toContain("reconnect");
      const stored = await allIds(alice);
      // Other events (presence) may be printed too; the messages are each printed once, in order.
      expect(lines.filter((m) => m.type === "message").map((m) => m.id)).toEqual(stored);
    } finally {
      // Never leave a stopped process behind.
      if (cli.exitCode === null) {
        cli.kill("SIGCONT");
        cli.kill("SIGKILL");
      }
    }
    await alice.close();
  }, 90_000);
});
