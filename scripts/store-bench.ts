/**
 * Figures for the JSON file store (fsync on): commits per second with 1 room and with 1,000
 * rooms of full history, and load time of 1,000 users + 1,000 rooms x 200 messages.
 *
 *   bun scripts/store-bench.ts [--commits N] [--sustained N]
 */
import { statSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openState, stateFrom } from "../server/domain/state-snapshot.ts";
import { JsonFileStore } from "../server/store/json-store.ts";
import type { StoreOp } from "../server/store/store.ts";
import { roomKey } from "../server/store/store.ts";
import { roomRecord } from "../tests/helpers/records.ts";

const HISTORY_LIMIT = 200;
const { values } = parseArgs({
  options: {
    commits: { type: "string", default: "5000" },
    sustained: { type: "string", default: "256000" },
  },
});
const COMMITS = Number(values.commits);
const SUSTAINED = Number(values.sustained);

function message(room: string, i: number): StoreOp {
  return {
    op: "msg",
    key: roomKey(room),
    message: {
      id: Bun.randomUUIDv7(),
      from: `user${i % 1000}`,
      text: `message number ${i}, a line of ordinary chat text of ordinary length`,
      ts: new Date().toISOString(),
      room,
    },
  };
}

/** A data folder with `rooms` rooms of 200 messages and `users` users, cleanly closed. */
async function populate(dir: string, rooms: number, users: number): Promise<void> {
  const store = new JsonFileStore(dir, { historyLimit: HISTORY_LIMIT });
  // Committed and applied to a state as a server does: compaction writes from that state.
  const { commit } = await openState(store, HISTORY_LIMIT);
  const created = new Date().toISOString();
  const records: StoreOp[] = [];
  for (let u = 0; u < users; u++) {
    const name = `user${u}`;
    records.push({
      op: "user",
      user: { name, passwordHash: "$argon2id$".padEnd(97, "x"), created },
    });
  }
  for (let r = 0; r < rooms; r++) {
    const members = Array.from({ length: 10 }, (_, i) => `user${(r + i) % users}`);
    const room = roomRecord(`room${r}`, { admin: members[0]!, members, created });
    records.push({ op: "room", room });
  }
  await commit(records);
  for (let r = 0; r < rooms; r++) {
    await commit(Array.from({ length: HISTORY_LIMIT }, (_, i) => message(`room${r}`, i)));
  }
  await store.close();
}

/** Single-message commits: one at a time, then 64 in flight. */
async function commitRate(dir: string, rooms: number): Promise<string> {
  const store = new JsonFileStore(dir, { historyLimit: HISTORY_LIMIT });
  // Committed and applied to a state as a server does: compaction writes from that state.
  const { commit } = await openState(store, HISTORY_LIMIT);
  let i = 0;
  let t = performance.now();
  for (let n = 0; n < COMMITS; n++, i++) await commit([message(`room${i % rooms}`, i)]);
  const serial = COMMITS / ((performance.now() - t) / 1000);
  t = performance.now();
  const writer = async (count: number) => {
    for (let n = 0; n < count; n++, i++) await commit([message(`room${i % rooms}`, i)]);
  };
  const total = COMMITS * 4;
  await Promise.all(Array.from({ length: 64 }, () => writer(total / 64)));
  const parallel = total / ((performance.now() - t) / 1000);
  await store.close();
  return `one at a time ${Math.round(serial)} commits/s, 64 in flight ${Math.round(parallel)} commits/s`;
}

/** Many commits, 64 in flight, long enough to include compactions: rate and worst latency. */
async function sustained(dir: string, rooms: number, total: number): Promise<string> {
  const store = new JsonFileStore(dir, { historyLimit: HISTORY_LIMIT });
  // Committed and applied to a state as a server does: compaction writes from that state.
  const { commit } = await openState(store, HISTORY_LIMIT);
  const journal = join(dir, "journal.jsonl");
  let compactions = 0;
  let lastSize = statSync(journal).size;
  const watch = setInterval(() => {
    const size = statSync(journal).size;
    if (size < lastSize) compactions++;
    lastSize = size;
  }, 20);
  const latencies: number[] = [];
  let i = 0;
  const writer = async (count: number) => {
    for (let n = 0; n < count; n++, i++) {
      const t0 = performance.now();
      await commit([message(`room${i % rooms}`, i)]);
      latencies.push(performance.now() - t0);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: 64 }, () => writer(total / 64)));
  const rate = total / ((performance.now() - t) / 1000);
  clearInterval(watch);
  await store.close();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  const max = latencies.at(-1)!;
  return `${total} commits: ${Math.round(rate)} commits/s, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, ${compactions} compactions seen`;
}

async function loadTime(dir: string): Promise<number> {
  const store = new JsonFileStore(dir, { historyLimit: HISTORY_LIMIT });
  const t = performance.now();
  stateFrom(await store.load(), HISTORY_LIMIT);
  const ms = performance.now() - t;
  await store.close();
  return ms;
}

function folderBytes(dir: string): string {
  const names = ["users.json", "rooms.json", "history.json", "journal.jsonl"];
  const total = names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
  return `${(total / 1024 / 1024).toFixed(1)} MiB`;
}

const base = await mkdtemp(join(tmpdir(), "chat-store-bench-"));
try {
  const small = join(base, "one-room");
  await populate(small, 1, 1);
  console.log(`1 room x 200 messages:          ${await commitRate(small, 1)}`);
  console.log(`  sustained: ${await sustained(small, 1, SUSTAINED)}`);
  const big = join(base, "thousand-rooms");
  let t = performance.now();
  await populate(big, 1000, 1000);
  console.log(
    `populated 1,000 users + 1,000 rooms x 200 messages in ${Math.round(performance.now() - t)} ms (${folderBytes(big)})`,
  );
  const ms = await loadTime(big);
  console.log(`load after a clean stop:        ${Math.round(ms)} ms`);
  console.log(`1,000 rooms x 200 messages:     ${await commitRate(big, 1000)}`);
  console.log(`  sustained: ${await sustained(big, 1000, SUSTAINED)}`);
  // A journal that was never compacted: commit without closing, copy the folder as a kill -9
  // would leave it, and load the copy.
  const writer = new JsonFileStore(big, { historyLimit: HISTORY_LIMIT });
  const written = await openState(writer, HISTORY_LIMIT);
  for (let n = 0; n < 20; n++) {
    await Promise.all(
      Array.from({ length: 1000 }, (_, r) => written.commit([message(`room${r}`, n)])),
    );
  }
  const crashed = join(base, "crashed");
  await cp(big, crashed, { recursive: true });
  await writer.close();
  const journalMiB = (statSync(join(crashed, "journal.jsonl")).size / 1024 / 1024).toFixed(1);
  const replay = Math.round(await loadTime(crashed));
  console.log(
    `load with 20,000 journal entries to replay: ${replay} ms (journal ${journalMiB} MiB)`,
  );
} finally {
  await rm(base, { recursive: true, force: true });
}
