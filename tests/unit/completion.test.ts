import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GLOBAL_OPTIONS } from "../../client/args.ts";
import { COMMANDS, findCommand } from "../../client/commands.ts";
import type { Command } from "../../client/commands/types.ts";
import { loadNames, NAMES_MAX, NAMES_TTL_MS, type Names } from "../../client/completion-names.ts";
import { argKinds, completeWords, type CompletionTable } from "../../client/completion-words.ts";

const TABLE: CompletionTable = {
  commands: COMMANDS,
  globalOptions: GLOBAL_OPTIONS,
  find: findCommand,
};
const NAMES = async (kind: "rooms" | "users") => (kind === "rooms" ? ["lobby", "launch"] : ["ann"]);

async function words(...typed: string[]): Promise<string[]> {
  return (await completeWords(typed, TABLE, NAMES)).candidates.map((c) => c.word);
}

describe("Completing a command line", () => {
  test("command names and aliases, with their summaries", async () => {
    expect(await words("sen")).toEqual(["send"]);
    expect(await words("ms")).toEqual(["msg"]);
    const all = await completeWords([""], TABLE, NAMES);
    expect(all.candidates.map((c) => c.word)).toContain("completion");
    expect(all.candidates.find((c) => c.word === "send")?.description).toBe(
      findCommand("send")?.summary,
    );
  });

  test("a command's own options and the global ones", async () => {
    expect(await words("history", "--li")).toEqual(["--limit"]);
    expect(await words("history", "--")).toContain("--server");
    expect(await words("--js")).toEqual(["--json"]);
    expect(await words("send", "--li")).toEqual([]);
  });

  test("room and user names where the usage takes them, with # and @", async () => {
    expect(await words("join", "l")).toEqual(["lobby", "launch"]);
    expect(await words("join", "#lo")).toEqual(["#lobby"]);
    expect(await words("approve", "lobby", "")).toEqual(["ann"]);
    expect(await words("dm", "@")).toEqual(["@ann"]);
    expect(await words("history", "")).toEqual(["lobby", "launch", "@ann"]);
    expect(await words("listen", "lobby", "la")).toEqual(["launch"]);
    expect(await words("send", "lobby", "")).toEqual([]);
  });

  test("options with values are skipped, and their value may be a file", async () => {
    expect(await words("--server", "ws://x", "history", "--limit", "5", "")).toEqual([
      "lobby",
      "launch",
      "@ann",
    ]);
    const value = await completeWords(["--ca", ""], TABLE, NAMES);
    expect(value).toEqual({ candidates: [], isFiles: true });
  });

  test("the global options on the line say which server the names come from", async () => {
    const seen: unknown[] = [];
    await completeWords(
      ["--config-dir", "/c", "join", "--server=ws://h:1", ""],
      TABLE,
      async (k, g) => {
        seen.push(g);
        return [];
      },
    );
    expect(seen).toEqual([{ configDir: "/c", server: "ws://h:1" }]);
  });

  test("fixed words of a usage, and command names for help", async () => {
    expect(await words("completion", "")).toEqual(["bash", "zsh", "fish"]);
    expect(await words("help", "ver")).toEqual(["version"]);
    expect(await words("nosuchcommand", "")).toEqual([]);
  });

  test("a command added to the table completes with no change to the completion code", async () => {
    const wave: Command = {
      name: "wave",
      usage: "wave <user> [--twice]",
      summary: "wave at someone",
      options: { twice: { type: "boolean" } },
      minArgs: 1,
      run: async () => 0,
    };
    const table = {
      ...TABLE,
      commands: [...COMMANDS, wave],
      find: (n: string) => (n === "wave" ? wave : findCommand(n)),
    };
    const names = (typed: string[]) => completeWords(typed, table, NAMES);
    expect((await names(["wa"])).candidates.map((c) => c.word)).toEqual(["wave"]);
    expect((await names(["wave", "--tw"])).candidates.map((c) => c.word)).toEqual(["--twice"]);
    expect((await names(["wave", ""])).candidates.map((c) => c.word)).toEqual(["ann"]);
  });

  test("usage lines give the kind of each argument", () => {
    expect(argKinds("approve <room> <user>").kinds.map((k) => k.kind)).toEqual(["room", "user"]);
    expect(argKinds("listen [<room>...] [--count N]").rest?.kind).toBe("room");
    expect(argKinds("send <room> <text...>").rest?.kind).toBe("none");
  });
});

describe("Room and user names for completion", () => {
  function stateDir(): string {
    return mkdtempSync(join(tmpdir(), "chat-completion-"));
  }
  const base = { server: "ws://h:1", user: "ann", now: 1_000_000 };

  test("are fetched once and then served from the cache for a minute", async () => {
    const dir = stateDir();
    let fetches = 0;
    const fetch = async (): Promise<Names> => {
      fetches += 1;
      return { rooms: ["lobby"], users: ["bob"] };
    };
    expect(await loadNames({ ...base, stateDir: dir, fetch })).toEqual({
      rooms: ["lobby"],
      users: ["bob"],
    });
    await loadNames({ ...base, now: base.now + NAMES_TTL_MS - 1, stateDir: dir, fetch });
    expect(fetches).toBe(1);
    await loadNames({ ...base, now: base.now + NAMES_TTL_MS, stateDir: dir, fetch });
    expect(fetches).toBe(2);
    await loadNames({ ...base, user: "carol", now: base.now + NAMES_TTL_MS, stateDir: dir, fetch });
    expect(fetches).toBe(3);
    rmSync(dir, { recursive: true });
  });

  test("a failed fetch keeps the names known before and is not retried for a minute", async () => {
    const dir = stateDir();
    await loadNames({ ...base, stateDir: dir, fetch: async () => ({ rooms: ["a"], users: [] }) });
    let fetches = 0;
    const failing = async (): Promise<Names> => {
      fetches += 1;
      throw new Error("refused");
    };
    const later = base.now + NAMES_TTL_MS;
    expect(await loadNames({ ...base, now: later, stateDir: dir, fetch: failing })).toEqual({
      rooms: ["a"],
      users: [],
    });
    await loadNames({ ...base, now: later + 1, stateDir: dir, fetch: failing });
    expect(fetches).toBe(1);
    rmSync(dir, { recursive: true });
  });

  test("only valid names reach the shell, and at most NAMES_MAX of each", async () => {
    const dir = stateDir();
    const many = Array.from({ length: NAMES_MAX + 50 }, (_, i) => `r${i}`);
    const names = await loadNames({
      ...base,
      stateDir: dir,
      fetch: async () => ({
        rooms: ["ok", "$(rm -rf ~)", "a\nb", "UPPER", ...many],
        users: ["x;y"],
      }),
    });
    expect(names.rooms[0]).toBe("ok");
    expect(names.rooms).toHaveLength(NAMES_MAX);
    expect(names.rooms.some((r) => /[^a-z0-9_-]/.test(r))).toBe(false);
    expect(names.users).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  test("a damaged cache file is fetched again", async () => {
    const dir = stateDir();
    writeFileSync(join(dir, "completion-names.json"), "{not json");
    const names = await loadNames({
      ...base,
      stateDir: dir,
      fetch: async () => ({ rooms: ["x"], users: [] }),
    });
    expect(names.rooms).toEqual(["x"]);
    expect(JSON.parse(readFileSync(join(dir, "completion-names.json"), "utf8")).rooms).toEqual([
      "x",
    ]);
    rmSync(dir, { recursive: true });
  });
});
