/**
 * `chat unread`, `chat read` and `chat conversations` against a real server: what they print,
 * their --json shapes and exit codes.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { jsonLines, registerUser, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({
  isPerFile: true,
  start: { args: ["--conversations-page", "2"] },
  timeoutMs: 60_000,
});

let ann: User;
let bob: User;
let cy: User;

beforeAll(async () => {
  [ann, bob, cy] = [
    await registerUser(run.server.url, "ann"),
    await registerUser(run.server.url, "bob"),
    await registerUser(run.server.url, "cy"),
  ];
  await ann.ok(["create", "lobby"]);
  await bob.ok(["join", "lobby"]);
  await ann.ok(["send", "lobby", `hello ${bob.name}`]);
  await ann.ok(["send", "lobby", "nothing for you"]);
  await ann.ok(["dm", bob.name, `@${bob.name} psst`]);
  await cy.ok(["dm", bob.name, "hi"]);
  await cy.ok(["dm", bob.name, "there"]);
});

describe("chat unread", () => {
  test("--json prints one line per room and conversation with unread messages", async () => {
    const result = await bob.run(["unread", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(jsonLines(result.stdout)).toEqual([
      { room: "lobby", unread: 2, mentions: 1 },
      { user: cy.name, unread: 2, mentions: 0 },
      { user: ann.name, unread: 1, mentions: 1 },
    ]);
  });

  test("prints a table, and says when nothing is unread", async () => {
    const table = (await bob.ok(["unread"])).trimEnd().split("\n");
    expect(table[0]).toMatch(/^WHERE\s+UNREAD\s+MENTIONS$/);
    expect(table[1]).toMatch(/^#lobby\s+2\s+1$/);
    expect(table).toHaveLength(4);
    expect(await cy.ok(["unread"])).toBe("nothing unread\n");
    expect(await cy.ok(["unread", "--json"])).toBe("");
  });
});

describe("chat read", () => {
  test("marks a room read up to the newest message, for every later command", async () => {
    const helper = await registerUser(run.server.url, "dee");
    await helper.ok(["join", "lobby"]);
    await ann.ok(["send", "lobby", "one more"]);
    const result = await helper.run(["read", "lobby", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const [line] = jsonLines(result.stdout);
    expect(line).toMatchObject({ room: "lobby", unread: 0, mentions: 0 });
    expect(typeof line!.upTo).toBe("string");
    expect(await helper.ok(["unread"])).toBe("nothing unread\n");
  });

  test("marks a conversation up to an id; an older id leaves the marker where it is", async () => {
    const history = jsonLines(await bob.ok(["history", `@${cy.name}`, "--json"]));
    const [first, second] = history.map((m) => String(m.id));
    expect(await bob.ok(["read", `@${cy.name}`, first!])).toBe(
      `@${cy.name} read up to ${first}; 1 unread after it\n`,
    );
    await bob.ok(["read", `@${cy.name}`, second!]);
    const back = jsonLines(await bob.ok(["read", `@${cy.name}`, first!, "--json"]));
    expect(back).toEqual([{ user: cy.name, upTo: second, unread: 0, mentions: 0 }]);
  });

  test("exit codes: not a member 5, no such message or room 3, bad name 2", async () => {
    const outsider = await registerUser(run.server.url, "eve");
    expect((await outsider.run(["read", "lobby"])).code).toBe(5);
    expect((await bob.run(["read", "nowhere"])).code).toBe(3);
    expect((await bob.run(["read", "lobby", "no-such-id"])).code).toBe(3);
    expect((await bob.run(["read", "Bad Name!"])).code).toBe(2);
    expect((await bob.run(["read"])).code).toBe(2);
    const empty = await outsider.run(["read", `@${ann.name}`]);
    expect(empty).toMatchObject({ code: 0, stdout: `nothing to mark read in @${ann.name}\n` });
  });
});

describe("chat conversations", () => {
  test("--json pages through every conversation, newest first", async () => {
    const result = await bob.run(["conversations", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = jsonLines(result.stdout);
    expect(lines.map((c) => c.user)).toEqual([cy.name, ann.name]);
    expect(lines[1]).toMatchObject({
      user: ann.name,
      unread: 1,
      mentions: 1,
      last: { type: "dm", from: ann.name, to: bob.name, text: `@${bob.name} psst` },
    });
  });

  test("--limit stops early and says on stderr how to go on; --after goes on", async () => {
    const result = await bob.run(["conversations", "--limit", "1"]);
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^WITH\s+UNREAD\s+MENTIONS\s+LAST\s+MESSAGE$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toStartWith(`@${cy.name} `);
    const after = /--after (\S+)\n$/.exec(result.stderr)?.[1];
    expect(after).toBeDefined();
    const rest = jsonLines(await bob.ok(["conversations", "--after", after!, "--json"]));
    expect(rest.map((c) => c.user)).toEqual([ann.name]);
  });

  test("bad arguments exit 2 before asking the server", async () => {
    for (const args of [
      ["conversations", "--limit", "0"],
      ["conversations", "extra"],
      ["unread", "extra"],
      ["read", "lobby", "id", "extra"],
    ]) {
      const result = await bob.run(args);
      expect([args.join(" "), result.code]).toEqual([args.join(" "), 2]);
      expect(result.stdout).toBe("");
    }
  });

  test("someone with no DMs has none", async () => {
    const loner = await registerUser(run.server.url, "fay");
    expect(await loner.ok(["conversations"])).toBe(
      "no conversations yet; start one with `chat dm`\n",
    );
    expect(await loner.ok(["conversations", "--json"])).toBe("");
  });
});
