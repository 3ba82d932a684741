import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockFile } from "../../server/store/files.ts";
import { StoreWithState } from "../helpers/stored-state.ts";
import { statFields } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { authed, registered } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

/** A live process that has nothing to do with any chat server (killed by the teardown). */
function unrelatedProcess(): number {
  const p = Bun.spawn(["sleep", "60"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  return run.trackProcess(p).pid;
}

/** The start field (22) of /proc/<pid>/stat. */
function startTicks(pid: number): string {
  return statFields(pid)[19]!;
}

const BOOT = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

describe("The data folder's lock", () => {
  test("a stale lock whose pid now belongs to another live process does not stop start-up", async () => {
    const dir = tempDir();
    const pid = unrelatedProcess();
    // What a server that had this pid before (and was killed) left behind: another start.
    const earlier = String(Number(startTicks(pid)) - 1);
    writeFileSync(join(dir, "store.lock"), `${pid}\n${earlier} ${BOOT}\n`);
    const server = await run.start({ dataDir: dir });
    const lock = readFileSync(join(dir, "store.lock"), "utf8");
    expect(lock.split("\n")[0]).toBe(String(server.proc.pid));
  });

  test("a pid-only lock of an older version, older than its pid's process, is taken over", async () => {
    const dir = tempDir();
    const path = join(dir, "store.lock");
    writeFileSync(path, `${unrelatedProcess()}\n`);
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, hourAgo, hourAgo);
    const server = await run.start({ dataDir: dir });
  });

  test("a pid-only lock written after its pid's process started still refuses", async () => {
    const dir = tempDir();
    const path = join(dir, "store.lock");
    writeFileSync(path, `${unrelatedProcess()}\n`);
    // Well past the second of slack the check allows for the clocks' resolution.
    const later = new Date(Date.now() + 60_000);
    utimesSync(path, later, later);
    await expect(run.start({ dataDir: dir })).rejects.toThrow("before its start line");
  });

  test("a lock from before a reboot is taken over whatever its pid is now", async () => {
    const dir = tempDir();
    const pid = unrelatedProcess();
    writeFileSync(join(dir, "store.lock"), `${pid}\n${startTicks(pid)} another-boot\n`);
    const server = await run.start({ dataDir: dir });
  });

  test("the lock of a live store still refuses, in this process and in another", async () => {
    const dir = tempDir();
    const release = await lockFile(join(dir, "store.lock"));
    try {
      await expect(lockFile(join(dir, "store.lock"))).rejects.toThrow("already open");
      await expect(run.start({ dataDir: dir })).rejects.toThrow("before its start line");
    } finally {
      await release();
    }
    const server = await run.start({ dataDir: dir });
    await expect(run.start({ dataDir: dir })).rejects.toThrow("before its start line");
  });
});

describe("The data folder's mode", () => {
  test("an existing folder open to others (as a checkout makes it) is 0700 after start", async () => {
    const dir = join(tempDir(), "data");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const server = await run.start({ dataDir: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await server.stop();
    expect(readFileSync(join(dir, "server.log"), "utf8")).toContain("data_folder_mode");
  });
});

describe("Notices stored by an older version", () => {
  const legacyUser = (notices: unknown[]) => ({
    name: "bob",
    passwordHash: "h",
    created: "t",
    notices,
  });
  const dm = (id: string) => ({ type: "dm", id, from: "ann", to: "bob", text: id, ts: "t" });

  test("queues in users.json and in journal lines load and are gone from users.json after a compaction", async () => {
    const dir = tempDir();
    const users = {
      users: [legacyUser([dm("a")])],
      notices: { bob: [{ seq: 1, notice: dm("a") }] },
    };
    writeFileSync(join(dir, "users.json"), JSON.stringify(users));
    const journal = [
      { journal: "g1" },
      { op: "user", user: legacyUser([dm("a"), dm("b")]) },
      { op: "notice", user: "bob", seq: 3, notice: dm("c") },
      { op: "notice_clear", user: "bob", upTo: 1 },
    ];
    writeFileSync(
      join(dir, "journal.jsonl"),
      journal.map((line) => `${JSON.stringify(line)}\n`).join(""),
    );
    const store = new StoreWithState(dir, { historyLimit: 10 });
    const loaded = await store.load();
    expect(loaded.users).toEqual([{ name: "bob", passwordHash: "h", created: "t" }]);
    expect(loaded).not.toHaveProperty("notices");
    await store.close();
    // Compacted: no queue is left anywhere in users.json, and it reads back the same.
    const written = readFileSync(join(dir, "users.json"), "utf8");
    expect(JSON.parse(written).users).toEqual([{ name: "bob", passwordHash: "h", created: "t" }]);
    expect(written).not.toContain("notices");
    const again = new StoreWithState(dir, { historyLimit: 10 });
    expect((await again.load()).users).toEqual(loaded.users);
    await again.close();
  });

  test("a server on a folder of an older version starts; its queued DM is not pushed on connect", async () => {
    const dir = tempDir();
    let server = await run.start({ dataDir: dir });
    const { client, token } = await registered(server.url, "bob", "oneshot");
    await client.close();
    await server.stop();
    // Put the queue where an older version kept it.
    const path = join(dir, "users.json");
    const users = JSON.parse(readFileSync(path, "utf8"));
    users.users[0].notices = [{ ...dm("m1"), text: "from before" }];
    writeFileSync(path, JSON.stringify(users));
    server = await run.start({ dataDir: dir });
    // Offline delivery is the log now: there is no queue left to send from.
    const c = await authed(server.url, token, "listen");
    await c.call({ type: "ping" });
    await c.call({ type: "ping" });
    expect(c.pending().filter((f) => f.type === "dm")).toEqual([]);
    await c.close();
  });
});
