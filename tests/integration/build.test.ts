/**
 * `bun run build`: the linux-x64 executables are built here, into a temp folder, and run
 * from a folder with no node_modules and no checkout: `--version`, `help`, and a
 * register/send/history round trip against the built server. Every platform's headers are
 * checked by `bun scripts/build.ts --check-headers` (each foreign platform fetches a
 * 90-110 MB runtime the first time); its header reader has a unit test of its own.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { platformOf } from "../../scripts/exe-header.ts";
import { hasTmux, Tmux } from "../e2e/tmux.ts";
import { tempDir } from "../helpers/server.ts";

const ROOT = resolve(import.meta.dir, "../..");
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
const START_LINE = /^\[SERVER\] Chat server running at (ws:\/\/[^\s]+)$/m;
const isLinuxX64 = process.platform === "linux" && process.arch === "x64";

function build(
  targets: string[],
  outdir: string,
): { code: number; stdout: string; stderr: string } {
  const args = [...targets.flatMap((t) => ["--target", t]), "--outdir", outdir, "--check-headers"];
  const result = Bun.spawnSync(["bun", "scripts/build.ts", ...args], { cwd: ROOT });
  return {
    code: result.exitCode,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

describe.if(isLinuxX64)("The linux-x64 executables", () => {
  let dist: string;
  let work: string;
  let built: ReturnType<typeof build>;
  let server: Subprocess<"ignore", "pipe", "ignore"> | null = null;
  let url = "";
  // Nothing of the test's environment (CHAT_*, NODE_PATH) reaches the executables.
  const env = (home: string) => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home });

  beforeAll(() => {
    dist = tempDir("chat-dist-");
    work = tempDir("chat-nomodules-");
    built = build(["linux-x64"], dist);
    if (built.code !== 0) throw new Error(`build failed:\n${built.stderr}`);
  }, 60_000);

  afterAll(async () => {
    server?.kill("SIGTERM");
    await server?.exited;
  });

  function chat(args: string[], stdin?: string) {
    const result = Bun.spawnSync(
      [join(dist, "chat-linux-x64"), "--config-dir", join(work, "c"), ...args],
      {
        cwd: work,
        env: env(work),
        stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
      },
    );
    return {
      code: result.exitCode,
      stdout: result.stdout.toString(),
      stderr: result.stderr.toString(),
    };
  }

  test("are single files with a SHA256SUMS that sha256sum -c accepts", () => {
    expect(platformOf(join(dist, "chat-linux-x64"))).toBe("linux-x64");
    expect(platformOf(join(dist, "chat-server-linux-x64"))).toBe("linux-x64");
    expect(built.stdout).toContain("headers: 2 of 2 match their platform\n");
    const sums = readFileSync(join(dist, "SHA256SUMS"), "utf8");
    expect(sums).toMatch(
      /^[0-9a-f]{64} {2}chat-linux-x64\n[0-9a-f]{64} {2}chat-server-linux-x64\n$/,
    );
    if (Bun.which("sha256sum")) {
      const check = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: dist });
      expect(check.stdout.toString()).toBe("chat-linux-x64: OK\nchat-server-linux-x64: OK\n");
    }
  });

  test("chat runs --version and help from a folder with no node_modules", () => {
    expect(existsSync(join(work, "node_modules"))).toBe(false);
    expect(chat(["--version"])).toEqual({ code: 0, stdout: `chat ${VERSION}\n`, stderr: "" });
    const help = chat(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("send");
    expect(help.stdout).toContain("completion");
  });

  test("the built chat and server do a send/history round trip", async () => {
    const data = join(work, "data");
    server = Bun.spawn(
      [join(dist, "chat-server-linux-x64"), "--host", "127.0.0.1", "--port", "0", "--data", data],
      {
        cwd: work,
        env: { ...env(work), CHAT_PASSWORD_COST: "low" },
        stdout: "pipe",
        stderr: "ignore",
      },
    );
    let text = "";
    const reader = server.stdout.getReader();
    while (!START_LINE.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server ended before its start line: ${text}`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    url = START_LINE.exec(text)?.[1] ?? "";
    const register = chat(
      ["--server", url, "register", "ann", "--password-stdin"],
      "long enough pw\n",
    );
    expect(register.code).toBe(0);
    expect(chat(["create", "lobby"]).code).toBe(0);
    expect(chat(["send", "lobby", "built", "and", "shipped"]).code).toBe(0);
    const history = chat(["--json", "history", "lobby"]);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout.trim())).toMatchObject({
      type: "message",
      room: "lobby",
      from: "ann",
      text: "built and shipped",
    });
  }, 20_000);

  test.if(Bun.which("curl") !== null && Bun.which("sha256sum") !== null)(
    "the README's install steps download, check and install chat",
    async () => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const start = readme.indexOf('```sh\ncurl -fsSLO "$RELEASES/chat-linux-x64"');
      expect(start).toBeGreaterThan(0);
      const steps = readme.slice(start + 6, readme.indexOf("```", start + 6));
      const releases = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: (req) => new Response(Bun.file(join(dist, new URL(req.url).pathname.slice(1)))),
      });
      const home = tempDir("chat-install-");
      const bin = join(home, "bin");
      // The one change: a folder of the test's own instead of sudo and /usr/local/bin.
      const script = `mkdir -p ${bin}\n${steps.replace("sudo mv", "mv").replace("/usr/local/bin", bin)}`;
      const run = Bun.spawn(["sh", "-e", "-c", script], {
        cwd: home,
        env: {
          ...env(home),
          PATH: `${bin}:${env(home).PATH}`,
          RELEASES: releases.url.href.replace(/\/$/, ""),
        },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err, code] = await Promise.all([
        new Response(run.stdout).text(),
        new Response(run.stderr).text(),
        run.exited,
      ]);
      releases.stop(true);
      expect(err).toBe("");
      expect(code).toBe(0);
      expect(out).toBe(`chat-linux-x64: OK\nchat ${VERSION}\n`);
    },
    20_000,
  );

  test.if(hasTmux())(
    "the built chat starts the interactive mode on a terminal",
    async () => {
      expect(url).not.toBe("");
      const tmux = new Tmux();
      try {
        const exe = join(dist, "chat-linux-x64");
        tmux.start("chat", [exe, "--config-dir", join(work, "fresh"), "--server", url], env(work));
        await tmux.waitFor("chat", "No saved session for this server");
      } finally {
        tmux.kill();
      }
    },
    20_000,
  );
});
