/**
 * The completion scripts in real shells: each loads (`bash -n`, `zsh -n`, `fish -n`) and
 * completes a command name, an option and a room name of a real server. bash is driven
 * through its completion variables, fish through `complete -C`, zsh by pressing Tab in tmux.
 * A shell that is not installed is skipped (CI installs all three).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { hasTmux, Tmux } from "../e2e/tmux.ts";
import { tempDir } from "../helpers/server.ts";
import { chat, registerUser, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const shared = useServer({ isPerFile: true });

const CLIENT = resolve(import.meta.dir, "../../client/main.ts");

function has(program: string): boolean {
  return Bun.which(program) !== null;
}

let alice: User;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  alice = await registerUser(shared.server.url, "alice");
  await alice.ok(["create", "lobby"]);
  dir = tempDir("chat-shells-");
  // The scripts call `chat`: put one on the PATH.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "chat"), `#!/bin/sh\nexec '${process.execPath}' '${CLIENT}' "$@"\n`);
  chmodSync(join(bin, "chat"), 0o755);
  env = {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    HOME: dir,
    CHAT_CONFIG_DIR: alice.configDir,
    XDG_STATE_HOME: join(dir, "state"),
  };
  for (const shell of ["bash", "zsh", "fish"]) {
    writeFileSync(join(dir, `chat.${shell}`), (await chat(["completion", shell])).stdout);
  }
});

function run(argv: string[], stdin?: string): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync(argv, {
    env: { ...env, TERM: "dumb" },
    cwd: dir,
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
  });
  return {
    code: result.exitCode,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

describe.if(has("bash"))("bash completion", () => {
  // What bash sets before it calls a completion function, for a line typed up to its end.
  const TRY = `source ./chat.bash
try() {
  COMP_LINE=$1; COMP_POINT=\${#1}
  read -ra COMP_WORDS <<<"$1"; [[ $1 =~ \\ $ ]] && COMP_WORDS+=("")
  COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
  _chat_completion
  echo "$1 => \${COMPREPLY[*]}"
}
`;

  test("the script loads", () => {
    expect(run(["bash", "-n", join(dir, "chat.bash")]).code).toBe(0);
    expect(run(["bash", "-c", "source ./chat.bash && complete -p chat"]).stdout).toContain(
      "_chat_completion",
    );
  });

  test("completes a command, an option and a room name", () => {
    const script = `${TRY}try "chat hist"\ntry "chat history --li"\ntry "chat join lo"\n`;
    const { stdout, stderr } = run(["bash", "-c", script]);
    expect(stderr).toBe("");
    expect(stdout).toBe(
      "chat hist => history\nchat history --li => --limit\nchat join lo => lobby\n",
    );
  });

  test("a user name after @, which bash splits off as a word of its own", () => {
    const script = `source ./chat.bash
COMP_LINE="chat dm @al"; COMP_POINT=11; COMP_WORDS=(chat dm @ al); COMP_CWORD=3
_chat_completion; echo "\${COMPREPLY[*]}"`;
    expect(run(["bash", "-c", script]).stdout).toBe(`${alice.name}\n`);
  });
});

describe.if(has("fish"))("fish completion", () => {
  test("the script loads", () => {
    expect(run(["fish", "-n", join(dir, "chat.fish")]).code).toBe(0);
  });

  test("completes a command, an option and a room name", () => {
    const lines = (text: string) =>
      run(["fish", "--no-config", "-c", `source ./chat.fish; complete -C '${text}'`]).stdout;
    expect(lines("chat hist")).toMatch(/^history\t[^\n]+\n$/);
    expect(lines("chat history --li")).toBe("--limit\n");
    expect(lines("chat join lo")).toBe("lobby\n");
  });
});

describe.if(has("zsh"))("zsh completion", () => {
  test("the script loads", () => {
    expect(run(["zsh", "-n", join(dir, "chat.zsh")]).code).toBe(0);
  });

  test.if(hasTmux())(
    "Tab completes a command, an option and a room name",
    async () => {
      const tmux = new Tmux();
      try {
        tmux.start("zsh", ["zsh", "-f"], { ...env, PS1: "zsh> " });
        await tmux.waitFor("zsh", "zsh>");
        tmux.type(
          "zsh",
          `autoload -Uz compinit && compinit -u -D && source ${dir}/chat.zsh && clear`,
        );
        tmux.press("zsh", "Enter");
        const tab = async (typed: string, expected: string) => {
          tmux.type("zsh", typed);
          tmux.press("zsh", "Tab");
          await tmux.waitFor("zsh", (s) =>
            s.split("\n").some((l) => l.trimEnd() === `zsh> ${expected}`),
          );
          tmux.press("zsh", "C-u");
        };
        await tab("chat hist", "chat history");
        await tab("chat history --li", "chat history --limit");
        await tab("chat join lo", "chat join lobby");
      } finally {
        tmux.kill();
      }
    },
    20_000,
  );
});
