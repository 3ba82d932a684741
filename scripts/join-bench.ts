/**
 * Figures for filling one room: N users register, then each joins the same open room.
 * Reports the time of the joins, the bytes the server wrote to disk during them (journal and
 * compactions), the journal's size, the server's peak RSS, and the restart (replay) time.
 *
 *   bun scripts/join-bench.ts [--users N] [--concurrency C] [--open] [--keep]
 *
 * Each join runs on a fresh one-shot connection (auth with the user's token, join, close), so
 * at most C connections are open. With --open, every user's connection stays open from
 * registration on, and each join is also sent to every member already in: N²/2 frames.
 *
 * The server runs with CHAT_PASSWORD_COST=low and --no-rate-limit in a temporary data folder.
 */
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mib, peakRssBytes, writtenBytes } from "../tests/helpers/process.ts";
import { startServer } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "50" },
    open: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const ROOM = "big";

/** A minimal one-shot client: requests in order, one reply each. */
class Client {
  #ws: WebSocket;
  #waiting: ((frame: Record<string, unknown>) => void)[] = [];
  #n = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (ev) => {
      const frame = JSON.parse(String(ev.data)) as Record<string, unknown>;
      if (frame.type === "welcome" || typeof frame.replyTo === "string") {
        this.#waiting.shift()?.(frame);
      }
    });
  }

  static async connect(url: string): Promise<Client> {
    const client = new Client(new WebSocket(url));
    await client.#reply(); // welcome
    return client;
  }

  async call(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = this.#reply();
    this.#ws.send(JSON.stringify({ ...msg, id: `r${++this.#n}` }));
    const frame = await reply;
    if (frame.type === "error") throw new Error(`${String(msg.type)}: ${String(frame.message)}`);
    return frame;
  }

  close(): void {
    this.#ws.close();
  }

  #reply(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** Run `fn(i)` for i in [0, n) with at most CONCURRENCY at a time. */
async function pool(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
}

/**
 * Bytes appended to the journal while running, by watching its size; a compaction replaces the
 * file (a new inode), and the new file's size then counts as appended: a close estimate.
 */
function watchJournal(dir: string): () => { appended: number; compactions: number } {
  const path = join(dir, "journal.jsonl");
  let last = statSync(path);
  let appended = 0;
  let compactions = 0;
  const poll = () => {
    const now = statSync(path, { throwIfNoEntry: false });
    if (!now) return;
    if (now.ino === last.ino) appended += now.size - last.size;
    else {
      compactions++;
      appended += now.size;
    }
    last = now;
  };
  const timer = setInterval(poll, 5);
  return () => {
    clearInterval(timer);
    poll();
    return { appended, compactions };
  };
}

function journalBytes(dir: string): number {
  const path = join(dir, "journal.jsonl");
  return existsSync(path) ? statSync(path).size : 0;
}

const dir = await mkdtemp(join(tmpdir(), "join-bench-"));
try {
  const server = await startServer({ dataDir: dir });
  const pid = server.proc.pid;
  const admin = await Client.connect(server.url);
  await admin.call({ type: "register", user: "admin", password: "password1" });
  await admin.call({ type: "create", room: ROOM });

  const clients: Client[] = new Array(USERS);
  const tokens: string[] = new Array(USERS);
  let t = performance.now();
  await pool(USERS, async (i) => {
    const c = await Client.connect(server.url);
    const reply = await c.call({ type: "register", user: `u${i}`, password: "password1" });
    tokens[i] = String(reply.token);
    if (values.open) clients[i] = c;
    else c.close();
  });
  console.log(`registered ${USERS} users in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const before = writtenBytes(pid);
  const journalBefore = journalBytes(dir);
  const stopWatch = watchJournal(dir);
  t = performance.now();
  await pool(USERS, async (i) => {
    if (values.open) {
      await clients[i]!.call({ type: "join", room: ROOM });
      return;
    }
    const c = await Client.connect(server.url);
    await c.call({ type: "auth", token: tokens[i] });
    await c.call({ type: "join", room: ROOM });
    c.close();
  });
  const joinSeconds = (performance.now() - t) / 1000;
  const { appended, compactions } = stopWatch();
  const after = writtenBytes(pid);
  const disk = after.disk - before.disk;
  const all = after.all - before.all;
  const journalAfter = journalBytes(dir);
  const rss = peakRssBytes(pid);
  if (values.open) for (const c of clients) c.close();
  admin.close();

  console.log(
    `${USERS} joins: ${joinSeconds.toFixed(2)} s (${Math.round(USERS / joinSeconds)}/s), ` +
      `journal appended ~${mib(appended)} MiB (${Math.round(appended / USERS)} B/join, ` +
      `${compactions} compactions), disk written ${mib(disk)} MiB, ` +
      `write() calls ${mib(all)} MiB, ` +
      `journal ${mib(journalBefore)} MiB -> ${mib(journalAfter)} MiB, peak RSS ${mib(rss)} MiB`,
  );

  // Replay after a kill (journal only), then load after a clean stop (snapshot files).
  await server.kill();
  for (const how of ["after kill -9", "after clean stop"]) {
    t = performance.now();
    const again = await startServer({ dataDir: dir });
    const startSeconds = (performance.now() - t) / 1000;
    const c = await Client.connect(again.url);
    await c.call({ type: "login", user: "admin", password: "password1" });
    const who = await c.call({ type: "who", room: ROOM });
    const members = (who.users as unknown[]).length;
    c.close();
    console.log(`restart ${how}: ${startSeconds.toFixed(2)} s, ${members} members`);
    if (members !== USERS + 1) throw new Error(`expected ${USERS + 1} members, got ${members}`);
    await again.stop();
  }
} finally {
  if (values.keep) console.log(`data kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
