/**
 * Drives programs in real terminals: one tmux server per test file on a private socket,
 * one session per program. Screens are read with capture-pane (the visible pane only) and
 * polled until a condition holds or a deadline passes.
 */
import { spawnSync } from "bun";
import { rmSync } from "node:fs";
import { join } from "node:path";

const POLL_MS = 100;
// waitForChangeSync's polling: a typed key usually shows within a few milliseconds.
const ECHO_POLL_MS = 5;
const DEFAULT_WAIT_MS = 15_000;

/** True when tmux can be run here. */
export function hasTmux(): boolean {
  try {
    return spawnSync(["tmux", "-V"]).exitCode === 0;
  } catch {
    return false;
  }
}

/** A private tmux server. */
export class Tmux {
  readonly socket = `chat-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  #run(args: string[]): string {
    const result = spawnSync(["tmux", "-L", this.socket, ...args], { stderr: "pipe" });
    if (result.exitCode !== 0) {
      throw new Error(`tmux ${args[0]} failed: ${result.stderr.toString().trim()}`);
    }
    return result.stdout.toString();
  }

  /** Start `argv` in a new session of the given size, with extra environment variables. */
  start(
    name: string,
    argv: string[],
    env: Record<string, string>,
    size = { columns: 100, rows: 30 },
  ): void {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    // Keep the pane after the program ends so that its last screen can be read.
    const command = `env -u CHAT_SERVER -u CHAT_TOKEN -u CHAT_CONFIG_DIR ${vars.join(" ")} ${argv.map(shellQuote).join(" ")}; echo "[exit $?]"; sleep 600`;
    this.#run([
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      command,
    ]);
  }

  /** Type text literally. */
  type(name: string, text: string): void {
    this.#run(["send-keys", "-t", name, "-l", "--", text]);
  }

  /**
   * Paste text as a terminal does: bracketed (`\e[200~ ... \e[201~`) when the program asked
   * for it, newlines sent as Enter (CR).
   */
  paste(name: string, text: string): void {
    this.#run(["set-buffer", "-b", "e2e-paste", "--", text]);
    this.#run(["paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", name]);
  }

  /** The visible screen with its colours (SGR escapes), as capture-pane -e gives it. */
  screenWithColors(name: string): string {
    return this.#run(["capture-pane", "-p", "-e", "-t", name]);
  }

  /** Press keys by tmux name: Enter, Tab, Up, C-c, C-u, ... */
  press(name: string, ...keys: string[]): void {
    this.#run(["send-keys", "-t", name, ...keys]);
  }

  /**
   * Wait, blocking, until the screen of `name` differs from `before`, or `timeoutMs` passed
   * (no error: a key that changes nothing on screen is allowed).
   */
  waitForChangeSync(name: string, before: string, timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    while (this.screen(name) === before && Date.now() < deadline) Bun.sleepSync(ECHO_POLL_MS);
  }

  /** The visible screen, trailing blank lines removed. */
  screen(name: string): string {
    return this.#run(["capture-pane", "-p", "-t", name]).replace(/\s+$/, "");
  }

  /** The last non-empty line of the screen (the chat line's prompt and input). */
  lastLine(name: string): string {
    const lines = this.screen(name).split("\n");
    return lines[lines.length - 1] ?? "";
  }

  /** Poll the screen until `check` holds; throw with the screen after `timeoutMs`. */
  async waitFor(
    name: string,
    check: string | RegExp | ((screen: string) => boolean),
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<string> {
    const test =
      typeof check === "string"
        ? (s: string) => s.includes(check)
        : check instanceof RegExp
          ? (s: string) => check.test(s)
          : check;
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    for (;;) {
      screen = this.screen(name);
      if (test(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(check)} on ${name}; screen:\n${screen}`);
      }
      await Bun.sleep(POLL_MS);
    }
  }

  /** End one session and the program in it. */
  killSession(name: string): void {
    this.#run(["kill-session", "-t", name]);
  }

  /** Stop the tmux server and every program in it. */
  kill(): void {
    spawnSync(["tmux", "-L", this.socket, "kill-server"], { stderr: "ignore" });
    // kill-server can leave the socket file behind.
    const dir = join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`);
    rmSync(join(dir, this.socket), { force: true });
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** How many times `needle` occurs in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
