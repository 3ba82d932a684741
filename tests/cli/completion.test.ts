import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/server.ts";
import { chat, registerUser, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

let alice: User;

beforeAll(async () => {
  alice = await registerUser(run.server.url, "alice");
  await alice.ok(["create", "lobby"]);
  await alice.ok(["create", "launch"]);
});

/** `chat completion complete -- words...` as alice, with her own state folder. */
async function complete(words: string[], stateHome: string, configDir = alice.configDir) {
  return chat(["completion", "complete", "--", ...words], {
    configDir,
    env: { XDG_STATE_HOME: stateHome },
  });
}

describe("chat completion", () => {
  test("prints the script of each shell, and refuses other words with exit 2", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const { code, stdout } = await chat(["completion", shell]);
      expect(code).toBe(0);
      expect(stdout).toContain("chat completion complete --");
    }
    const bad = await chat(["completion", "tcsh"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bash, zsh, fish");
  });

  test("completes room names from the saved server and caches them in the state folder", async () => {
    const state = tempDir("chat-state-");
    const { code, stdout } = await complete(["join", "l"], state);
    expect(code).toBe(0);
    expect(stdout.split("\n").filter(Boolean).sort()).toEqual(["launch", "lobby"]);
    const cache = JSON.parse(readFileSync(join(state, "chat", "completion-names.json"), "utf8"));
    expect(cache).toMatchObject({ server: run.server.url, user: alice.name });
    expect(cache.users).toContain(alice.name);
  });

  test("user names after @", async () => {
    const state = tempDir("chat-state-");
    expect((await complete(["dm", "@al"], state)).stdout.trim()).toBe(`@${alice.name}`);
  });

  test("a stopped server: names from the cache, else none, and never an error", async () => {
    const other = await run.start();
    const bob = await registerUser(other.url, "bob");
    await bob.ok(["create", "bobs-room"]);
    const warm = tempDir("chat-state-");
    const cold = tempDir("chat-state-");
    expect((await complete(["join", ""], warm, bob.configDir)).stdout.trim()).toBe("bobs-room");
    await other.stop();
    expect((await complete(["join", ""], warm, bob.configDir)).stdout.trim()).toBe("bobs-room");
    const down = await complete(["join", ""], cold, bob.configDir);
    expect(down).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("a server that accepts and never answers: the shell gets its answer, without names", async () => {
    // Longer than the 5 s test timeout if completion waited the usual 10 s for a reply.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const configDir = tempDir("chat-cli-");
    const url = `ws://127.0.0.1:${silent.port}`;
    const auth = { last: url, sessions: { [url]: { user: "ann", token: "t", savedAt: "" } } };
    writeFileSync(join(configDir, "auth.json"), JSON.stringify(auth));
    try {
      const result = await complete(["join", ""], tempDir("chat-state-"), configDir);
      expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    } finally {
      silent.stop(true);
    }
  });

  test("without a saved login there are no names and no request", async () => {
    const state = tempDir("chat-state-");
    const empty = tempDir("chat-cli-");
    const result = await complete(["join", ""], state, empty);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(join(state, "chat", "completion-names.json"))).toBe(false);
  });
});
