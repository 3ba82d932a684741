import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/server.ts";
import { chat, jsonLines, PASSWORD, registerUser, uniqueName, User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

describe("chat register and login", () => {
  test("register saves the session in auth.json with mode 0600 and prints the user", async () => {
    const user = new User(run.server.url, uniqueName("reg"));
    const out = await user.ok(["register", user.name, "--password-stdin"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(out).toBe(`registered and logged in as ${user.name} on ${run.server.url}\n`);
    const path = join(user.configDir, "auth.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await Bun.file(path).text());
    expect(saved.last).toBe(run.server.url);
    expect(saved.sessions[run.server.url].user).toBe(user.name);
    expect(saved.sessions[run.server.url].token).toBeString();
  });

  test("register --json prints the user and the server", async () => {
    const user = new User(run.server.url, uniqueName("regj"));
    const out = await user.ok(["register", user.name, "--password-stdin", "--json"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(jsonLines(out)).toEqual([{ user: user.name, server: run.server.url }]);
  });

  test("a taken name exits 6, an invalid name or a short password exits 2", async () => {
    const alice = await registerUser(run.server.url, "taken");
    const other = new User(run.server.url, alice.name);
    const taken = await other.run(["register", alice.name, "--password-stdin"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(taken.code).toBe(6);
    expect(taken.stderr).toContain("error:");
    const invalid = await other.run(["register", "-bad name", "--password-stdin"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(invalid.code).toBe(2);
    const short = await other.run(["register", uniqueName("s"), "--password-stdin"], {
      stdin: "short\n",
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("at least 8 characters");
  });

  test("login with the right password saves a session; a wrong one exits 4", async () => {
    const alice = await registerUser(run.server.url, "login");
    const laptop = new User(run.server.url, alice.name);
    const wrong = await laptop.run(["login", alice.name, "--password-stdin"], {
      stdin: "wrong password\n",
    });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("chat login");
    const out = await laptop.ok(["login", alice.name, "--password-stdin", "--json"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(jsonLines(out)).toEqual([{ user: alice.name, server: run.server.url }]);
    expect(await laptop.ok(["whoami"])).toBe(`${alice.name}\n`);
  });

  test("without a terminal and without --password-stdin, nothing prompts: exit 2 with a hint", async () => {
    const user = await registerUser(run.server.url, "nopw");
    const newName = uniqueName("np");
    const cases = [
      [
        ["register", newName],
        `printf '%s\\n' "$PASSWORD" | chat register ${newName} --password-stdin`,
      ],
      [
        ["login", user.name],
        `printf '%s\\n' "$PASSWORD" | chat login ${user.name} --password-stdin`,
      ],
      [
        ["passwd"],
        `printf '%s\\n%s\\n' "$OLD_PASSWORD" "$NEW_PASSWORD" | chat passwd --password-stdin`,
      ],
    ] as const;
    for (const [args, example] of cases) {
      const result = await user.run([...args]);
      expect(result.code).toBe(2);
      // The example is for the command that was run.
      expect(result.stderr).toContain(example);
      expect(result.stdout).toBe("");
    }
  });
});

describe("chat whoami, passwd and logout", () => {
  test("whoami prints the user, --json adds the server; not logged in exits 4", async () => {
    const alice = await registerUser(run.server.url, "who");
    expect(await alice.ok(["whoami"])).toBe(`${alice.name}\n`);
    expect(jsonLines(await alice.ok(["whoami", "--json"]))).toEqual([
      { user: alice.name, server: run.server.url },
    ]);
    const nobody = await chat(["--server", run.server.url, "whoami"], { configDir: tempDir() });
    expect(nobody.code).toBe(4);
    expect(nobody.stderr).toContain("chat login");
  });

  test("passwd reads the old and the new password from stdin", async () => {
    const alice = await registerUser(run.server.url, "pw");
    const bad = await alice.run(["passwd", "--password-stdin"], {
      stdin: `not the password\nnew password 1\n`,
    });
    expect(bad.code).toBe(4);
    await alice.ok(["passwd", "--password-stdin"], { stdin: `${PASSWORD}\nnew password 1\n` });
    const phone = new User(run.server.url, alice.name);
    const old = await phone.run(["login", alice.name, "--password-stdin"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(old.code).toBe(4);
    await phone.ok(["login", alice.name, "--password-stdin"], { stdin: "new password 1\n" });
  });

  test("logout revokes the token on the server and forgets it", async () => {
    const alice = await registerUser(run.server.url, "out");
    const saved = JSON.parse(await Bun.file(join(alice.configDir, "auth.json")).text());
    const token = saved.sessions[run.server.url].token as string;
    expect(await alice.ok(["logout"])).toBe(`logged out of ${run.server.url}\n`);
    expect((await alice.run(["whoami"])).code).toBe(4);
    const revoked = await chat(["--server", run.server.url, "whoami"], {
      configDir: tempDir(),
      env: { CHAT_TOKEN: token },
    });
    expect(revoked.code).toBe(4);
  });
});

describe("Choosing the server and the session", () => {
  test("CHAT_TOKEN overrides the saved session", async () => {
    const alice = await registerUser(run.server.url, "tok");
    const bob = await registerUser(run.server.url, "tok");
    const bobToken = JSON.parse(await Bun.file(join(bob.configDir, "auth.json")).text()).sessions[
      run.server.url
    ].token as string;
    expect(await alice.ok(["whoami"], { env: { CHAT_TOKEN: bobToken } })).toBe(`${bob.name}\n`);
  });

  test("CHAT_SERVER and http:// name the server; the last login's server is the default", async () => {
    const alice = await registerUser(run.server.url, "srv");
    const http = run.server.url.replace("ws://", "http://");
    const byEnv = await chat(["whoami"], {
      configDir: alice.configDir,
      env: { CHAT_SERVER: http },
    });
    expect(byEnv.stdout).toBe(`${alice.name}\n`);
    const byDefault = await chat(["whoami", "--json"], { configDir: alice.configDir });
    expect(jsonLines(byDefault.stdout)).toEqual([{ user: alice.name, server: run.server.url }]);
  });

  test("one config folder keeps a session per server", async () => {
    const other = await run.start();
    const alice = await registerUser(run.server.url, "multi");
    await chat(["--server", other.url, "register", alice.name, "--password-stdin"], {
      configDir: alice.configDir,
      stdin: `${PASSWORD}\n`,
    });
    const saved = JSON.parse(await Bun.file(join(alice.configDir, "auth.json")).text());
    expect(Object.keys(saved.sessions).sort()).toEqual([run.server.url, other.url].sort());
    expect(saved.last).toBe(other.url);
    expect(await alice.ok(["whoami"])).toBe(`${alice.name}\n`);
    await alice.ok(["logout"]);
    const left = await chat(["--server", other.url, "whoami"], { configDir: alice.configDir });
    expect(left.stdout).toBe(`${alice.name}\n`);
  });

  test("a relative --config-dir is taken from the working directory", async () => {
    const cwd = tempDir();
    const name = uniqueName("rel");
    const args = ["--server", run.server.url, "--config-dir", "conf"];
    await chat([...args, "register", name, "--password-stdin"], { cwd, stdin: `${PASSWORD}\n` });
    expect(statSync(join(cwd, "conf", "auth.json")).mode & 0o777).toBe(0o600);
    expect((await chat([...args, "whoami"], { cwd })).stdout).toBe(`${name}\n`);
  });

  test("an auth.json that is not JSON exits 2 and names the file", async () => {
    const dir = tempDir();
    await Bun.write(join(dir, "auth.json"), "{ not json");
    const result = await chat(["--server", run.server.url, "whoami"], { configDir: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(dir, "auth.json"));
    expect(result.stderr).toContain("chat login");
  });

  test("CHAT_CONFIG_DIR names the config folder", async () => {
    const alice = await registerUser(run.server.url, "cfg");
    const result = await chat(["--server", run.server.url, "whoami"], {
      env: { CHAT_CONFIG_DIR: alice.configDir },
    });
    expect(result.stdout).toBe(`${alice.name}\n`);
  });
});

describe("Connection failures", () => {
  test("an unreachable server exits 7 and says what to check", async () => {
    const alice = new User("ws://127.0.0.1:1", uniqueName("unr"));
    const result = await alice.run(["login", alice.name, "--password-stdin"], {
      stdin: `${PASSWORD}\n`,
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain("cannot connect to ws://127.0.0.1:1");
    expect(result.stderr).toContain("--server");
  });

  test("a server that accepts but never answers exits 7 within --timeout", async () => {
    const silent = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: { data() {} },
    });
    try {
      const started = Date.now();
      const result = await chat(
        ["--server", `ws://127.0.0.1:${silent.port}`, "--timeout", "1", "whoami"],
        { configDir: tempDir(), env: { CHAT_TOKEN: "x" } },
      );
      expect(result.code).toBe(7);
      expect(result.stderr).toContain("--timeout");
      // Generous bound: the point is that it gives up instead of hanging.
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      silent.stop(true);
    }
  });
});

describe("A server restart", () => {
  test("the saved session still works after the server restarts", async () => {
    const own = await run.start();
    const alice = await registerUser(own.url, "rs");
    await own.stop();
    await run.restart(own);
    expect(await alice.ok(["whoami"])).toBe(`${alice.name}\n`);
  });
});
