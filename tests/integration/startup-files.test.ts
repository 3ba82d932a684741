import { describe, expect, test } from "bun:test";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../helpers/server.ts";
import { registered } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

const ROOT = resolve(import.meta.dir, "../..");

/** A data folder holding a user, a room and a message, written by a cleanly stopped server. */
async function populatedDataDir(): Promise<string> {
  const server = await run.start();
  const { client } = await registered(server.url, "alice");
  await client.call({ type: "create", room: "lobby" });
  await client.call({ type: "send", room: "lobby", text: "hello" });
  await client.close();
  await server.stop();
  const dir = server.dataDir;
  return dir;
}

/** Run the server on `dir` as a user would, until it exits by itself. */
async function runServer(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(
    ["bun", "server/main.ts", "--host", "127.0.0.1", "--port", "0", "--data", dir],
    { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: process.env },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Every data file's bytes (the server log excepted: a refused start may log why). */
function dataFiles(dir: string): Map<string, Buffer> {
  const names = readdirSync(dir).filter((n) => n !== "server.log");
  return new Map(names.map((n) => [n, readFileSync(join(dir, n))]));
}

describe("Startup with unreadable data files", () => {
  for (const name of ["users.json", "rooms.json", "history.json"]) {
    for (const [what, content] of [
      ["not valid JSON", '{"users": [{"name": "alice", '],
      ["valid JSON of the wrong shape", "[1, 2, 3]"],
    ] as const) {
      test(`a ${name} that is ${what} stops the server, naming the file, which stays untouched`, async () => {
        const dir = await populatedDataDir();
        const path = join(dir, name);
        writeFileSync(path, content);
        const before = dataFiles(dir);
        const { code, stdout, stderr } = await runServer(dir);
        expect(code).not.toBe(0);
        expect(stderr).toContain(path);
        expect(stdout).not.toContain("[SERVER] Chat server running");
        expect(dataFiles(dir)).toEqual(before);
      });
    }
  }

  test("a corrupt line inside the journal stops the server, naming the journal", async () => {
    const dir = await populatedDataDir();
    const path = join(dir, "journal.jsonl");
    appendFileSync(path, 'garbage\n{"op":"session_del","tokenHash":"x"}\n');
    const before = dataFiles(dir);
    const { code, stderr } = await runServer(dir);
    expect(code).not.toBe(0);
    expect(stderr).toContain(path);
    expect(dataFiles(dir)).toEqual(before);
  });

  test("a second server on the same data folder refuses to start; the first keeps serving", async () => {
    const server = await run.start();
    const { client } = await registered(server.url, "alice");
    await client.call({ type: "create", room: "lobby" });
    const { code, stdout, stderr } = await runServer(server.dataDir);
    expect(code).not.toBe(0);
    expect(stderr).toContain(join(server.dataDir, "store.lock"));
    expect(stderr).toContain("in use");
    expect(stdout).not.toContain("[SERVER] Chat server running");
    const sent = await client.call({ type: "send", room: "lobby", text: "still here" });
    expect(sent.type).toBe("sent");
    await client.close();
  });

  test("the server starts on a fresh folder and its data files are mode 0600", async () => {
    const dir = join(tempDir(), "new", "data");
    const server = await run.start({ dataDir: dir });
    const { client } = await registered(server.url, "alice");
    await client.call({ type: "create", room: "lobby" });
    await client.call({ type: "send", room: "lobby", text: "hello" });
    await client.close();
    await server.stop();
    for (const name of ["users.json", "rooms.json", "history.json", "journal.jsonl"]) {
      const mode = (await Bun.file(join(dir, name)).stat()).mode & 0o777;
      expect([name, mode.toString(8)]).toEqual([name, "600"]);
    }
  });
});
