/**
 * Helpers for the CLI tests: run the real `chat` program against a test server, each user
 * with their own config folder, and read `listen` output line by line.
 */
import type { Subprocess } from "bun";
import { join, resolve } from "node:path";
import { tempDir } from "../helpers/server.ts";

const ROOT = resolve(import.meta.dir, "../..");
const CLIENT = join(ROOT, "client/main.ts");

/** What a finished `chat` run printed, and its exit code. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run `chat`. */
export interface RunOptions {
  /** The config folder (--config-dir). */
  configDir?: string;
  /** Text on stdin; absent means /dev/null. */
  stdin?: string;
  env?: Record<string, string>;
  /** Working directory (default: the repository). */
  cwd?: string;
}

// The tests' own environment must not leak a server, token or colour choice into `chat`.
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("CHAT_") || k === "NO_COLOR" || k === "FORCE_COLOR")
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function commandLine(args: string[], opts: RunOptions): string[] {
  const dir = opts.configDir ? ["--config-dir", opts.configDir] : [];
  return ["bun", CLIENT, ...dir, ...args];
}

/** Run `chat args...` to the end. */
export async function chat(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const proc = Bun.spawn(commandLine(args, opts), {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** Every stdout line parsed as JSON. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let counter = 0;

/** A user name no other test uses. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

/** A user with their own config folder, logged in to one server. */
export class User {
  readonly name: string;
  readonly configDir: string;
  readonly server: string;

  constructor(server: string, name: string, configDir = tempDir("chat-cli-")) {
    this.server = server;
    this.name = name;
    this.configDir = configDir;
  }

  /** Run `chat --server URL args...` as this user. */
  run(args: string[], opts: Omit<RunOptions, "configDir"> = {}): Promise<RunResult> {
    return chat(["--server", this.server, ...args], { ...opts, configDir: this.configDir });
  }

  /** Run and expect exit 0; returns stdout. */
  async ok(args: string[], opts: Omit<RunOptions, "configDir"> = {}): Promise<string> {
    const result = await this.run(args, opts);
    if (result.code !== 0) {
      throw new Error(`chat ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    }
    return result.stdout;
  }

  /** Start `chat listen args...` as this user; resolves once it says it is listening. */
  listen(args: string[] = [], env: Record<string, string> = {}): Promise<Listening> {
    return Listening.start(
      commandLine(["--server", this.server, "listen", ...args], { configDir: this.configDir }),
      env,
    );
  }
}

export const PASSWORD = "correct horse battery";

/** Register a fresh user (unique name from `base`) with the CLI. */
export async function registerUser(server: string, base: string): Promise<User> {
  const user = new User(server, uniqueName(base));
  await user.ok(["register", user.name, "--password-stdin"], { stdin: `${PASSWORD}\n` });
  return user;
}

/** Register a user for each of `bases` at once (see registerUser), in that order. */
export function registerUsers<const T extends readonly string[]>(
  server: string,
  ...bases: T
): Promise<{ [K in keyof T]: User }> {
  // map() loses the tuple's length; there is one user per base, in order.
  return Promise.all(bases.map((base) => registerUser(server, base))) as Promise<{
    [K in keyof T]: User;
  }>;
}

/** A running `chat listen`, read line by line. */
export class Listening {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  readonly lines: string[] = [];
  stderr = "";
  #waiters: (() => void)[] = [];

  private constructor(proc: Subprocess<"ignore", "pipe", "pipe">) {
    this.proc = proc;
    void this.#read(proc.stdout, (line) => this.lines.push(line));
    void this.#read(proc.stderr, (line) => (this.stderr += `${line}\n`));
  }

  static async start(cmd: string[], env: Record<string, string>): Promise<Listening> {
    const proc = Bun.spawn(cmd, {
      cwd: ROOT,
      env: cleanEnv(env),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const listening = new Listening(proc);
    await listening.waitUntil(
      () => listening.stderr.includes("listening on"),
      "the listening line",
    );
    return listening;
  }

  async #read(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stream) {
      rest += decoder.decode(chunk, { stream: true });
      let nl = rest.indexOf("\n");
      while (nl >= 0) {
        onLine(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
        nl = rest.indexOf("\n");
      }
      for (const wake of this.#waiters.splice(0)) wake();
    }
    if (rest) onLine(rest);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Stdout lines parsed as JSON. */
  get json(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Wait until `check` holds (re-checked on every output), failing after timeoutMs. */
  async waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline || (this.proc.exitCode !== null && !check())) {
        throw new Error(
          `timed out waiting for ${what}; stdout:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Wait for a JSON line matching `match`, and return it. */
  async waitForJson(
    match: (obj: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await this.waitUntil(() => (found = this.json.find(match)) !== undefined, what);
    return found as Record<string, unknown>;
  }

  /** Send a signal and wait for the exit code. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number> {
    if (this.proc.exitCode === null) this.proc.kill(signal);
    return this.proc.exited;
  }

  /** Kill it (SIGKILL) and wait: how a test's teardown ends it. */
  async close(): Promise<void> {
    await this.stop("SIGKILL");
  }
}

/** The session token `chat` saved for a user. */
export async function tokenOf(user: User): Promise<string> {
  const saved = JSON.parse(await Bun.file(join(user.configDir, "auth.json")).text());
  return String(saved.sessions[user.server].token);
}
