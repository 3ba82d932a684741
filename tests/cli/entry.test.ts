import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join, resolve } from "node:path";
import { tempDir } from "../helpers/server.ts";
import { chat, jsonLines } from "./helpers.ts";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

describe("chat help", () => {
  test("lists every command; help <command> and <command> --help show its usage", async () => {
    const list = await chat(["help"]);
    expect(list.code).toBe(0);
    for (const name of ["register", "send", "listen", "createroom", "editroom", "who"]) {
      expect(list.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    }
    const one = await chat(["help", "send"]);
    expect(one.stdout).toStartWith("usage: chat send <room> <text...>\n");
    const flag = await chat(["send", "--help"]);
    expect(flag.stdout).toBe(one.stdout);
    const globals = await chat(["--help"]);
    expect(globals.stdout).toContain("--server URL");
    // `chat help`, where errors point, shows the global options too.
    expect(list.stdout).toBe(globals.stdout);
  });

  test("help --json prints one object per command", async () => {
    const out = jsonLines((await chat(["help", "--json"])).stdout);
    expect(out.find((c) => c.command === "send")).toEqual({
      command: "send",
      usage: "send <room> <text...>",
      summary: expect.any(String),
    });
  });

  test("an unknown command or option exits 2 and points to help", async () => {
    const unknown = await chat(["sned", "lobby", "hi"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'sned'");
    expect(unknown.stderr).toContain("did you mean send");
    const option = await chat(["rooms", "--bogus"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("usage: chat rooms");
    expect((await chat(["--timeout", "soon", "rooms"])).code).toBe(2);
    const global = await chat(["--bogus", "rooms"]);
    expect(global.code).toBe(2);
    expect(global.stderr).toContain("unknown option '--bogus'");
    expect(global.stderr).not.toContain("unknown command");
  });
});

describe("No terminal", () => {
  test("no command with stdin from /dev/null exits 2 at once instead of starting the interactive mode", async () => {
    const none = await chat([], { configDir: tempDir() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("needs a terminal");
    const url = await chat(["ws://127.0.0.1:1"], { configDir: tempDir() });
    expect(url.code).toBe(2);
  });

  test("a one-shot command interrupted with SIGINT exits 130", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const proc = Bun.spawn(
        [
          "bun",
          join(resolve(import.meta.dir, "../.."), "client/main.ts"),
          "--config-dir",
          tempDir(),
          "--server",
          `ws://127.0.0.1:${silent.port}`,
          "whoami",
        ],
        {
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
          env: { ...process.env, CHAT_TOKEN: "t" },
        },
      );
      // Give it time to reach the network wait; then interrupt it.
      await Bun.sleep(500);
      proc.kill("SIGINT");
      expect(await proc.exited).toBe(130);
    } finally {
      silent.stop(true);
    }
  });
});
