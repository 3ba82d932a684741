import { beforeAll, describe, expect, test } from "bun:test";
import { jsonLines, registerUsers, uniqueName, User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

let alice: User;
let bob: User;
let room: string;

// Every stored message carries its position in the server's log (`seq`, 16 digits).
const ID_TS = {
  id: expect.any(String),
  ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  seq: expect.stringMatching(/^\d{16}$/),
};

beforeAll(async () => {
  [alice, bob] = await registerUsers(run.server.url, "alice", "bob");
  room = uniqueName("msg");
  await alice.ok(["create", room]);
  await bob.ok(["join", room]);
});

describe("chat send", () => {
  test("the words are the text; silent on success; --json prints the stored message", async () => {
    expect(await alice.ok(["send", room, "hello", "world"])).toBe("");
    const out = jsonLines(await alice.ok(["send", `#${room}`, "again", "--json"]));
    expect(out).toEqual([{ type: "message", room, from: alice.name, text: "again", ...ID_TS }]);
  });

  test("text - sends all of stdin as one message", async () => {
    const text = "line one\nline two\n\ttabbed";
    const out = jsonLines(await bob.ok(["send", room, "-", "--json"], { stdin: `${text}\n` }));
    expect(out[0]).toMatchObject({ type: "message", from: bob.name, text });
    const hist = jsonLines(await alice.ok(["history", room, "--limit", "1", "--json"]));
    expect(hist[0]?.text).toBe(text);
  });

  test("text after -- may start with a dash; an unknown option is a usage error", async () => {
    const out = jsonLines(await alice.ok(["send", room, "--json", "--", "-1", "--big"]));
    expect(out[0]?.text).toBe("-1 --big");
    const help = jsonLines(await alice.ok(["--json", "send", "--", room, "--help"]));
    expect(help[0]?.text).toBe("--help");
    const bad = await alice.run(["send", room, "--big"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--");
  });

  test("an empty message or empty stdin exits 2; too long exits 2", async () => {
    expect((await alice.run(["send", room, "-"])).code).toBe(2);
    expect((await alice.run(["send", room, "   "])).code).toBe(2);
    const long = await alice.run(["send", room, "-"], { stdin: "x".repeat(4001) });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("4000");
  });

  test("a missing room exits 3, a room one is not in exits 5, no login or a bad token exits 4", async () => {
    expect((await alice.run(["send", uniqueName("none"), "hi"])).code).toBe(3);
    const other = uniqueName("other");
    await bob.ok(["create", other]);
    const forbidden = await alice.run(["send", other, "hi"]);
    expect(forbidden.code).toBe(5);
    expect(forbidden.stderr).toMatch(/^error: /);
    await alice.ok(["join", other]);
    await alice.ok(["send", other, "now a member"]);
    const forged = await alice.run(["send", room, "hi"], { env: { CHAT_TOKEN: "forged" } });
    expect(forged.code).toBe(4);
    expect(forged.stderr).toContain("chat login");
    const stranger = new User(run.server.url, uniqueName("anon"));
    const anonymous = await stranger.run(["send", room, "hi"]);
    expect(anonymous.code).toBe(4);
    expect(anonymous.stderr).toContain("chat login");
  });
});

describe("chat dm", () => {
  test("--json prints the stored DM; the recipient sees it in history @user", async () => {
    const out = jsonLines(await alice.ok(["dm", `@${bob.name}`, "psst", "--json"]));
    expect(out).toEqual([{ type: "dm", from: alice.name, to: bob.name, text: "psst", ...ID_TS }]);
    const piped = jsonLines(await bob.ok(["dm", alice.name, "-", "--json"], { stdin: "back\n" }));
    expect(piped[0]).toMatchObject({ from: bob.name, to: alice.name, text: "back" });
    const hist = jsonLines(await bob.ok(["history", `@${alice.name}`, "--json"]));
    expect(hist.map((m) => m.text)).toEqual(["psst", "back"]);
    expect(hist[0]).toEqual({ type: "dm", from: alice.name, to: bob.name, text: "psst", ...ID_TS });
    const human = await bob.ok(["history", `@${alice.name}`]);
    expect(human).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\[dm\\] ${alice.name} -> ${bob.name}: psst\\n`,
      ),
    );
  });

  test("a user who does not exist exits 3", async () => {
    const result = await alice.run(["dm", uniqueName("ghost"), "hello?"]);
    expect(result.code).toBe(3);
  });
});

describe("chat history", () => {
  test("oldest first with local times; --limit and --before page through", async () => {
    const r = uniqueName("hist");
    await alice.ok(["create", r]);
    for (const text of ["one", "two", "three", "four"]) await alice.ok(["send", r, text]);
    const all = jsonLines(await alice.ok(["history", r, "--json"]));
    expect(all.map((m) => m.text)).toEqual(["one", "two", "three", "four"]);
    expect(all[0]).toEqual({ type: "message", room: r, from: alice.name, text: "one", ...ID_TS });
    const last2 = jsonLines(await alice.ok(["history", r, "--limit", "2", "--json"]));
    expect(last2.map((m) => m.text)).toEqual(["three", "four"]);
    const before = jsonLines(
      await alice.ok(["history", r, "--limit", "2", "--before", String(last2[0]?.id), "--json"]),
    );
    expect(before.map((m) => m.text)).toEqual(["one", "two"]);
    const human = (await alice.ok(["history", r])).trimEnd().split("\n");
    expect(human).toHaveLength(4);
    expect(human[0]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d #${r} ${alice.name}: one$`),
    );
    expect((await alice.run(["history", r, "--limit", "zero"])).code).toBe(2);
  });

  test("a non-member is refused (exit 5)", async () => {
    const r = uniqueName("priv");
    await alice.ok(["create", r]);
    expect((await bob.run(["history", r])).code).toBe(5);
  });
});

describe("Colour", () => {
  test("never in a pipe, even with CI set; FORCE_COLOR turns it on, --no-color off", async () => {
    const piped = await alice.run(["history", room], { env: { CI: "true" } });
    expect(piped.stdout).not.toContain("\x1b[");
    const forced = await alice.run(["history", room], { env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\x1b[");
    const off = await alice.run(["history", room, "--no-color"], { env: { FORCE_COLOR: "1" } });
    expect(off.stdout).not.toContain("\x1b[");
    const json = await alice.run(["history", room, "--json"], { env: { FORCE_COLOR: "1" } });
    expect(json.stdout).not.toContain("\x1b[");
  });
});
