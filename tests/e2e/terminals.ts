/**
 * People at real terminals for the tmux tests: each user has a home of their own (config and
 * state folders), sets things up with the one-shot `chat`, and runs the interactive client in
 * a tmux window against the server under test.
 */
import { join, resolve } from "node:path";
import { StateStore } from "../../client/interactive/history-file.ts";
import { chat as runChat } from "../cli/helpers.ts";
import { type StartOptions, tempDir } from "../helpers/server.ts";
import { type ServerHarness, useServer } from "../helpers/use-server.ts";
import { Tmux } from "./tmux.ts";

const CLIENT = resolve(import.meta.dir, "../../client/main.ts");

/** A terminal's size in characters (tmux's default for these tests: 100 x 30). */
export interface TerminalSize {
  columns: number;
  rows: number;
}

// How long `say` waits for typed keys to show before pressing Enter anyway.
const ECHO_WAIT_MS = 2000;

/** The password every user of these tests registers with. */
export const PASSWORD = "correct-horse";

/** The users of one test file at their terminals, all in one private tmux server. */
export class Terminals {
  readonly tmux = new Tmux();
  readonly #url: () => string;
  readonly #homes = new Map<string, Record<string, string>>();

  /** `url` names the server when a command runs (a restarted server may be another). */
  constructor(url: () => string) {
    this.#url = url;
  }

  /** The environment of `user`'s terminal: their own XDG folders, with `extra` over them. */
  env(user: string, extra: Record<string, string> = {}): Record<string, string> {
    let home = this.#homes.get(user);
    if (!home) {
      const base = tempDir(`chat-e2e-${user}-`);
      home = {
        XDG_CONFIG_HOME: join(base, "config"),
        XDG_STATE_HOME: join(base, "state"),
        TERM: "xterm-256color",
      };
      this.#homes.set(user, home);
    }
    return { ...home, ...extra };
  }

  /** Run the one-shot `chat` as `user` for a set-up step; its stdout, or a throw on failure. */
  async chat(user: string, args: string[], stdin = ""): Promise<string> {
    const res = await runChat(["--server", this.#url(), ...args], { env: this.env(user), stdin });
    if (res.code !== 0) throw new Error(`chat ${args.join(" ")} exited ${res.code}: ${res.stderr}`);
    return res.stdout;
  }

  /** Register each of `users` with PASSWORD. */
  async register(...users: string[]): Promise<void> {
    for (const user of users) {
      await this.chat(user, ["register", user, "--password-stdin"], `${PASSWORD}\n${PASSWORD}\n`);
    }
  }

  /** Start the interactive client in `user`'s window, with `extra` over their environment. */
  start(user: string, extra: Record<string, string> = {}, size?: TerminalSize): void {
    this.tmux.start(user, ["bun", CLIENT, this.#url()], this.env(user, extra), size);
  }

  /** Start `user` straight in `room`, saved as the last room they used: no picker. */
  async startIn(
    user: string,
    room: string,
    extra: Record<string, string> = {},
    size?: TerminalSize,
  ): Promise<void> {
    const stateHome = this.env(user, extra).XDG_STATE_HOME ?? "";
    new StateStore(join(stateHome, "chat")).setLastRoom(this.#url(), user, room);
    this.start(user, extra, size);
    await this.tmux.waitFor(user, (s) => s.endsWith(`#${room}>`));
  }

  /** Type `text` in `user`'s window and press Enter. */
  say(user: string, text: string): void {
    const before = this.tmux.screen(user);
    this.tmux.type(user, text);
    // Enter goes once the client has read the keys (the screen shows them): keys that reach
    // it in one read are a paste, whose Enter stays in the input. On a busy machine the text
    // and an Enter sent right after it can arrive together.
    if (text !== "") this.tmux.waitForChangeSync(user, before, ECHO_WAIT_MS);
    this.tmux.press(user, "Enter");
  }

  /** End every terminal (the teardown's part). */
  close(): void {
    this.tmux.kill();
  }
}

/**
 * One server for this describe block and its users at their terminals, ended after its last
 * test. Called inside a `describe.skipIf(!hasTmux())`, so that a skipped block starts nothing.
 */
export function useTerminals(start: StartOptions = {}): {
  run: ServerHarness;
  people: Terminals;
  tmux: Tmux;
} {
  const run = useServer({ isPerFile: true, start });
  const people = run.track(new Terminals(() => run.server.url));
  return { run, people, tmux: people.tmux };
}
