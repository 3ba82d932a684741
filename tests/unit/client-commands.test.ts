import { describe, expect, test } from "bun:test";
import { GLOBAL_OPTIONS } from "../../client/args.ts";
import { COMMANDS, findCommand, parseCommandLine, splitWords } from "../../client/commands.ts";
import { openWord, visibleWord } from "../../client/commands/util.ts";
import { backoffDelay } from "../../client/connection.ts";
import { ChatError, ConnectionError, exitCodeFor, UsageError } from "../../client/errors.ts";

describe("The command table", () => {
  test("holds every command of the specification", () => {
    const names = COMMANDS.map((c) => c.name).sort();
    expect(names).toEqual(
      [
        "approve",
        "completion",
        "conversations",
        "create",
        "createroom",
        "deny",
        "dm",
        "edit",
        "editroom",
        "help",
        "history",
        "join",
        "kick",
        "leave",
        "listen",
        "login",
        "logout",
        "passwd",
        "read",
        "register",
        "requests",
        "revoke",
        "rooms",
        "send",
        "sessions",
        "shutdown",
        "unread",
        "version",
        "who",
        "whoami",
        "me",
        "amend",
        "delete",
        "away",
        "topic",
        "ban",
        "unban",
        "bans",
        "invite",
        "uninvite",
        "handover",
      ].sort(),
    );
  });

  test("names are found case-insensitively", () => {
    expect(findCommand("SEND")?.name).toBe("send");
    expect(findCommand("nope")).toBeNull();
  });
});

describe("Parsing a command line", () => {
  test("options and positionals are parsed with the command's own options", () => {
    const parsed = parseCommandLine(["create", "dev", "--closed", "--topic", "Dev talk"]);
    expect(parsed.command.name).toBe("create");
    expect(parsed.positionals).toEqual(["dev"]);
    expect(parsed.values).toMatchObject({ closed: true, topic: "Dev talk" });
  });

  test("global options are accepted after the command when passed in", () => {
    const parsed = parseCommandLine(["rooms", "--json"], GLOBAL_OPTIONS);
    expect(parsed.values.json).toBe(true);
  });

  test("an unknown option, a missing or an extra argument is a usage error with the usage", () => {
    expect(() => parseCommandLine(["rooms", "--bogus"])).toThrow(UsageError);
    expect(() => parseCommandLine(["send", "lobby"])).toThrow(/missing arguments/);
    expect(() => parseCommandLine(["join", "a", "b"])).toThrow(/too many arguments/);
    const caught = (() => {
      try {
        parseCommandLine(["send"]);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect((caught as UsageError).hint).toContain("send <room> <text...>");
  });

  test("an unknown command is a usage error", () => {
    expect(() => parseCommandLine(["frobnicate"])).toThrow(/unknown command 'frobnicate'/);
  });

  test("text after -- may start with a dash, and - alone stays a word", () => {
    expect(parseCommandLine(["send", "lobby", "--", "-1", "--x"]).positionals).toEqual([
      "lobby",
      "-1",
      "--x",
    ]);
    expect(parseCommandLine(["send", "lobby", "-"]).positionals).toEqual(["lobby", "-"]);
  });
});

describe("Splitting a typed line", () => {
  test("quotes group words and backslashes escape", () => {
    expect(splitWords(`create dev --topic "Dev talk" it\\'s 'a "b"'`)).toEqual([
      "create",
      "dev",
      "--topic",
      "Dev talk",
      "it's",
      'a "b"',
    ]);
    expect(splitWords('  send  lobby ""  ')).toEqual(["send", "lobby", ""]);
  });
});

describe("Positional room settings", () => {
  test("open and visible words", () => {
    for (const w of ["open", "true", "yes", "1"]) expect(openWord(w)).toBe(true);
    for (const w of ["closed", "false", "no", "0"]) expect(openWord(w)).toBe(false);
    for (const w of ["visible", "true", "yes", "1"]) expect(visibleWord(w)).toBe(true);
    for (const w of ["hidden", "false", "no", "0"]) expect(visibleWord(w)).toBe(false);
    expect(() => openWord("maybe")).toThrow(UsageError);
    expect(() => visibleWord("open")).toThrow(UsageError);
  });
});

describe("Exit codes", () => {
  test("each wire code maps to the code of the specification", () => {
    expect(exitCodeFor(new ChatError("bad_request", ""))).toBe(2);
    expect(exitCodeFor(new ChatError("auth_required", ""))).toBe(4);
    expect(exitCodeFor(new ChatError("auth_failed", ""))).toBe(4);
    expect(exitCodeFor(new ChatError("forbidden", ""))).toBe(5);
    expect(exitCodeFor(new ChatError("not_found", ""))).toBe(3);
    expect(exitCodeFor(new ChatError("conflict", ""))).toBe(6);
    expect(exitCodeFor(new ChatError("rate_limited", ""))).toBe(1);
    expect(exitCodeFor(new ChatError("internal", ""))).toBe(1);
    expect(exitCodeFor(new UsageError(""))).toBe(2);
    expect(exitCodeFor(new ConnectionError("timeout", ""))).toBe(7);
    expect(exitCodeFor(new Error("bug"))).toBe(1);
  });
});

describe("Reconnect backoff", () => {
  test("starts near 0.5 s, doubles, and stays at 30 s with jitter", () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500);
    expect(backoffDelay(1, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, () => 0.5)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(22_500);
    expect(backoffDelay(20, () => 0.999)).toBeLessThanOrEqual(37_500);
  });
});

describe("Loading one command's module", () => {
  test("every command name and alias of the table has its module, and loads that command", async () => {
    const { COMMAND_MODULES, loadCommand } = await import("../../client/commands/load.ts");
    const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]).sort();
    expect(Object.keys(COMMAND_MODULES).sort()).toEqual(names);
    for (const name of names) {
      const command = await loadCommand(name);
      expect(command).toBe(findCommand(name));
    }
    expect(await loadCommand("constructor")).toBeNull();
  });
});

describe("The option parser", () => {
  test("behaves as util.parseArgs does for the forms chat uses", async () => {
    const { parseOptions } = await import("../../client/args.ts");
    const options = {
      topic: { type: "string" },
      closed: { type: "boolean" },
      limit: { type: "string", short: "n" },
    } as const;
    expect(parseOptions(["r", "--topic=a b", "-n5", "--closed", "x"], options)).toEqual({
      values: { topic: "a b", limit: "5", closed: true },
      positionals: ["r", "x"],
    });
    expect(parseOptions(["-n", "3", "-", "--", "--closed"], options)).toEqual({
      values: { limit: "3" },
      positionals: ["-", "--closed"],
    });
    expect(() => parseOptions(["--topic"], options)).toThrow(/needs a value/);
    expect(() => parseOptions(["--closed=yes"], options)).toThrow(/takes no value/);
    expect(() => parseOptions(["--toString"], options)).toThrow(/unknown option/);
  });
});
