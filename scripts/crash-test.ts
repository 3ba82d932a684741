/**
 * Crash test of the JSON file store: a child process commits messages as fast as it can and
 * prints each id once its commit resolved; it is killed with SIGKILL at a random moment, again
 * and again on the same data folder. After each kill every file must parse and every
 * acknowledged id must be stored exactly once. Every other kill waits for a compaction to be
 * under way (a temp file appears) and strikes then.
 *
 *   bun scripts/crash-test.ts [--kills N] [--dir DIR]
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openState, snapshotOf, stateFrom } from "../server/domain/state-snapshot.ts";
import { JsonFileStore } from "../server/store/json-store.ts";
import { readDataDir } from "../server/store/read.ts";
import { roomKey } from "../server/store/store.ts";
import type { StoreOp } from "../server/store/store.ts";

/** Large enough that nothing acknowledged is trimmed. */
const HISTORY_LIMIT = 1_000_000;
/** Small, so that compactions (and kills during them) happen often. */
const COMPACT_BYTES = 16 * 1024;
const IN_FLIGHT = 32;
const ROOMS = 7;

/** Outcome of one kill. */
export interface KillResult {
  /** The kill came while the snapshot files or the journal were being rewritten. */
  isMidCompaction: boolean;
  acknowledged: number;
  stored: number;
  problems: string[];
}

/** Kill a writer `kills` times on `dir`, checking the folder after each kill. */
export async function runCrashTest(
  dir: string,
  kills: number,
  log: (line: string) => void = () => {},
): Promise<KillResult[]> {
  const acked = new Set<string>();
  const results: KillResult[] = [];
  for (let round = 1; round <= kills; round++) {
    for (const id of await runAndKill(dir, round % 2 === 0)) acked.add(id);
    const isMidCompaction = isCompacting(dir);
    const result = { isMidCompaction, ...(await check(dir, acked)) };
    // Every other round, also start and stop cleanly, as a restarted server would.
    if (round % 2 === 0 && result.problems.length === 0) {
      const store = new JsonFileStore(dir, { historyLimit: HISTORY_LIMIT });
      await openState(store, HISTORY_LIMIT);
      await store.close();
    }
    results.push(result);
    log(
      `kill ${round}/${kills}${isMidCompaction ? " (during a compaction)" : ""}: ` +
        `${result.acknowledged} acknowledged, ${result.stored} stored, ` +
        (result.problems.length ? `PROBLEMS: ${result.problems.join("; ")}` : "ok"),
    );
  }
  return results;
}

/** Run a writer and SIGKILL it: at a random moment, or (aiming) as soon as a compaction runs. */
async function runAndKill(dir: string, isAiming: boolean): Promise<string[]> {
  const child = Bun.spawn([process.execPath, import.meta.path, "--child", dir], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const ids: string[] = [];
  let buffered = "";
  let started = false;
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  let timer: Timer | undefined;
  let watch: Timer | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop()!; // a line cut by the kill was never fully reported
    ids.push(...lines.filter((l) => l !== ""));
    if (!started && ids.length > 0) {
      started = true;
      const kill = () => child.kill("SIGKILL");
      timer = setTimeout(kill, isAiming ? 3000 : 50 + Math.random() * 400);
      if (isAiming) watch = setInterval(() => isCompacting(dir) && kill(), 1);
    }
  }
  clearTimeout(timer);
  clearInterval(watch);
  await child.exited;
  return ids;
}

async function check(
  dir: string,
  acked: Set<string>,
): Promise<Omit<KillResult, "isMidCompaction">> {
  const problems: string[] = [];
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), "utf8");
    if (name.endsWith(".json")) {
      try {
        JSON.parse(text);
      } catch {
        problems.push(`${name} does not parse`);
      }
    } else if (name.endsWith(".jsonl")) {
      const lines = text.split("\n").slice(0, -1); // a torn last line is allowed
      if (lines.some((l) => !isJson(l))) problems.push(`${name} has a bad line before the last`);
    }
  }
  let stored = 0;
  try {
    // What a restarted server would hold: the snapshot files with the journal's tail applied.
    const { loaded } = await readDataDir(dir, HISTORY_LIMIT);
    const { history } = snapshotOf(stateFrom(loaded, HISTORY_LIMIT));
    const count = new Map<string, number>();
    for (const list of Object.values(history)) {
      for (const m of list) count.set(m.id, (count.get(m.id) ?? 0) + 1);
    }
    stored = count.size;
    const twice = [...count].filter(([, n]) => n > 1).length;
    if (twice) problems.push(`${twice} ids stored more than once`);
    // On disk too, each message once: in the snapshot files or in the journal after them
    // (loading would hide a repeat; a snapshot taken off its journal offset shows here).
    const onDisk = new Map<string, number>();
    const seen = (id: string) => onDisk.set(id, (onDisk.get(id) ?? 0) + 1);
    for (const list of Object.values(loaded.snapshot.history)) for (const m of list) seen(m.id);
    for (const op of loaded.tail) if (op.op === "msg") seen(op.message.id);
    const repeated = [...onDisk].filter(([, n]) => n > 1).length;
    if (repeated) problems.push(`${repeated} ids both in the snapshot files and after them`);
    const missing = [...acked].filter((id) => !count.has(id)).length;
    if (missing) problems.push(`${missing} acknowledged ids missing`);
  } catch (err) {
    problems.push(`load failed: ${(err as Error).message}`);
  }
  return { acknowledged: acked.size, stored, problems };
}

/** A temp file exists only while the snapshot files or the journal are being rewritten. */
function isCompacting(dir: string): boolean {
  return readdirSync(dir).some((name) => name.endsWith(".tmp"));
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** The writer: commits forever, printing each acknowledged id. */
async function child(dir: string): Promise<void> {
  const store = new JsonFileStore(dir, {
    historyLimit: HISTORY_LIMIT,
    compactBytes: COMPACT_BYTES,
  });
  // Compaction writes the snapshot files from this state, as a server's would.
  const stored = await openState(store, HISTORY_LIMIT);
  let n = 0;
  const writer = async () => {
    for (;;) {
      const i = n++;
      const room = `room${i % ROOMS}`;
      const id = Bun.randomUUIDv7();
      const ops: StoreOp[] = [
        {
          op: "msg",
          key: roomKey(room),
          message: {
            id,
            from: "ann",
            text: `message ${i} `.repeat(4),
            ts: new Date().toISOString(),
            room,
          },
        },
      ];
      if (i % 50 === 0) {
        const created = new Date().toISOString();
        ops.push({ op: "user", user: { name: `u${i}`, passwordHash: "x", created } });
      }
      await stored.commit(ops);
      process.stdout.write(`${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      kills: { type: "string", default: "20" },
      dir: { type: "string" },
      child: { type: "string" },
    },
  });
  if (values.child) {
    await child(values.child);
  } else {
    const kills = Number(values.kills);
    if (!Number.isInteger(kills) || kills < 1) throw new Error("--kills takes a positive integer");
    const dir = values.dir ?? (await mkdtemp(join(tmpdir(), "chat-crash-")));
    const results = await runCrashTest(dir, kills, console.log);
    const failed = results.filter((r) => r.problems.length).length;
    const mid = results.filter((r) => r.isMidCompaction).length;
    console.log(`${kills - failed} of ${kills} kills ok, ${mid} during a compaction (data ${dir})`);
    if (!values.dir && failed === 0) await rm(dir, { recursive: true, force: true });
    process.exit(failed ? 1 : 0);
  }
}
